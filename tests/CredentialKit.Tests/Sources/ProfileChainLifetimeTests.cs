using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.Sources;

/// <summary>
/// A shared-config role chain (source_profile → role_arn hops) is checked at start-up against the one hour role chaining
/// grants, as configured Roles are: each hop after another role's session gets at most one hour, whatever its
/// duration_seconds asks for.
/// </summary>
public sealed class ProfileChainLifetimeTests : IDisposable
{
    private const string DevArn = "arn:aws:iam::111122223333:role/dev";
    private const string ProdArn = "arn:aws:iam::444455556666:role/prod";
    private readonly SourceFixture _fixture = new();

    public ProfileChainLifetimeTests()
    {
        _fixture.Environment["AWS_CONFIG_FILE"] = _fixture.PathOf("config");
        _fixture.Environment["AWS_SHARED_CREDENTIALS_FILE"] = _fixture.PathOf("credentials");
        File.WriteAllText(_fixture.PathOf("credentials"), $"""
            [base]
            aws_access_key_id = {ProviderFixture.SourceAccessKeyId}
            aws_secret_access_key = {ProviderFixture.SourceSecret}
            """);
        File.WriteAllText(_fixture.PathOf("config"), $"""
            [profile dev]
            role_arn = {DevArn}
            source_profile = base
            duration_seconds = 7200

            [profile prod]
            role_arn = {ProdArn}
            source_profile = dev
            duration_seconds = 7200
            """);
    }

    public void Dispose() => _fixture.Dispose();

    private CredentialKitProfileOptions Profile(string name, TimeSpan refreshAhead, params string[] roleArns)
    {
        var options = _fixture.Options(SourceCredentialsType.Profile, roleArns);
        options.Source.ProfileName = name;
        options.Refresh.RefreshAhead = refreshAhead;
        return options;
    }

    [Fact]
    public void Create_SecondProfileHopAsksForTwoHours_IsCheckedAgainstTheOneHourItWillGet()
    {
        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(Profile("prod", TimeSpan.FromMinutes(45))));

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith($"Profile 'test': Refresh:RefreshAhead ({ProdArn})", failure, StringComparison.Ordinal);
        Assert.Contains(
            "is 00:45:00, more than half of Source:ProfileName[prod]:1 duration_seconds (02:00:00, which role chaining cuts to 01:00:00); allowed: at most 00:30:00",
            failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_FirstProfileHopSignedByKeys_GetsItsTwoHours()
    {
        // dev is assumed with the base keys: not role chaining, so 45 minutes fit its two hours.
        var provider = _fixture.Create(Profile("dev", TimeSpan.FromMinutes(45)));

        Assert.NotNull(provider);
    }

    [Fact]
    public void Create_ConfiguredRoleAfterAProfileRole_IsAChainedHop()
    {
        var options = Profile("dev", TimeSpan.FromMinutes(45), ProviderFixture.BillingArn);
        options.Roles[0].Duration = TimeSpan.FromHours(2);

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(options));

        Assert.Contains(error.Failures,
            f => f.Contains("more than half of Roles:0:Duration (02:00:00, which role chaining cuts to 01:00:00)", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Failures, f => f.Contains("ProfileName[dev]", StringComparison.Ordinal));
    }
}
