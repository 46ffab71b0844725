using Amazon.SecurityToken.Model;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.Sources;

public sealed class ProfileSourceTests : IDisposable
{
    private const string DevArn = "arn:aws:iam::111122223333:role/dev";
    private const string ProdArn = "arn:aws:iam::444455556666:role/prod";
    private readonly SourceFixture _fixture = new();

    public ProfileSourceTests()
    {
        _fixture.Environment["AWS_CONFIG_FILE"] = _fixture.PathOf("config");
        _fixture.Environment["AWS_SHARED_CREDENTIALS_FILE"] = _fixture.PathOf("credentials");
        File.WriteAllText(_fixture.PathOf("credentials"), $"""
            [base]
            aws_access_key_id = {ProviderFixture.SourceAccessKeyId}
            aws_secret_access_key = {ProviderFixture.SourceSecret}
            """);
    }

    public void Dispose() => _fixture.Dispose();

    private CredentialKitProfileOptions Profile(string name, params string[] roleArns)
    {
        var options = _fixture.Options(SourceCredentialsType.Profile, roleArns);
        options.Source.ProfileName = name;
        return options;
    }

    [Fact]
    public async Task RoleChainProfile_IsExpandedIntoHopsBeforeRoles_EachSignedByThePrevious()
    {
        File.WriteAllText(_fixture.PathOf("config"), $"""
            # comment
            [profile dev]
            role_arn = {DevArn}
            source_profile = base
            role_session_name = dev-session
            duration_seconds = 7200

            [profile prod]
            role_arn = {ProdArn}
            source_profile = dev
            external_id = prod-ext
            s3 =
              max_concurrent_requests = 10
            """);
        await using var provider = _fixture.Create(Profile("prod", ProviderFixture.BillingArn));

        var credentials = await provider.GetCredentialsAsync();

        var calls = _fixture.Provider.Sts.Calls;
        Assert.Equal([DevArn, ProdArn, ProviderFixture.BillingArn], calls.Select(c => c.Request.RoleArn));
        Assert.Equal(ProviderFixture.SourceAccessKeyId, calls[0].SignerAccessKeyId);
        Assert.Equal(("dev-session", 7200), (calls[0].Request.RoleSessionName, calls[0].Request.DurationSeconds!.Value));
        Assert.Equal("prod-ext", calls[1].Request.ExternalId);
        Assert.StartsWith("ASIADEV", calls[1].SignerAccessKeyId, StringComparison.Ordinal);
        Assert.StartsWith("ASIABILLING", credentials.AccessKeyId, StringComparison.Ordinal);
        Assert.Single(_fixture.Provider.Logs.WithEventId(25));
    }

    [Fact]
    public async Task RoleProfile_NoRoles_ServesTheProfileRole()
    {
        File.WriteAllText(_fixture.PathOf("config"), $"[profile dev]\nrole_arn = {DevArn}\nsource_profile = base\n");
        await using var provider = _fixture.Create(Profile("dev"));

        var credentials = await provider.GetCredentialsAsync();

        Assert.StartsWith("ASIADEV", credentials.AccessKeyId, StringComparison.Ordinal);
    }

    [Fact]
    public void SourceProfileLoop_IsRejectedListingTheCycle()
    {
        File.WriteAllText(_fixture.PathOf("config"), $"""
            [profile a]
            role_arn = {DevArn}
            source_profile = b
            [profile b]
            role_arn = {ProdArn}
            source_profile = c
            [profile c]
            role_arn = {DevArn}
            source_profile = a
            """);

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(Profile("a")));

        Assert.Contains("Source:ProfileName is 'a', whose source_profile chain loops: a -> b -> c -> a; allowed: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingProfile_IsRejectedNamingBothFiles()
    {
        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(Profile("nope")));

        Assert.Contains($"Source:ProfileName names profile 'nope', which is in neither {_fixture.PathOf("config")} nor {_fixture.PathOf("credentials")}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysOnlyProfile_WithoutRoles_IsRejected_WithRoles_SignsTheFirstRole()
    {
        Assert.Throws<OptionsValidationException>(() => _fixture.Create(Profile("base")));

        await using var provider = _fixture.Create(Profile("base", ProviderFixture.HubArn));
        await provider.GetCredentialsAsync();

        Assert.Equal(ProviderFixture.SourceAccessKeyId, Assert.Single(_fixture.Provider.Sts.Calls).SignerAccessKeyId);
    }

    [Fact]
    public async Task WebIdentityProfile_StartsWithAssumeRoleWithWebIdentity_AndRolesAfterAreChained()
    {
        File.WriteAllText(_fixture.TokenFile, "profile-token");
        File.WriteAllText(_fixture.PathOf("config"), $"[profile web]\nrole_arn = {SourceFixture.WebRoleArn}\nweb_identity_token_file = {_fixture.TokenFile}\n");
        var options = Profile("web", ProviderFixture.HubArn);
        options.Roles[0].Duration = TimeSpan.FromHours(2);
        await using var provider = _fixture.Create(options);

        await provider.GetCredentialsAsync();

        var web = (AssumeRoleWithWebIdentityRequest)Assert.Single(_fixture.Provider.Sts.SourceCalls).Request;
        Assert.Equal("profile-token", web.WebIdentityToken);
        Assert.Equal(3600, Assert.Single(_fixture.Provider.Sts.Calls).Request.DurationSeconds);
    }

    [Fact]
    public void MfaProfileWithoutCallback_IsRejected()
    {
        File.WriteAllText(_fixture.PathOf("config"), $"[profile dev]\nrole_arn = {DevArn}\nsource_profile = base\nmfa_serial = {SourceFixture.MfaSerial}\n");

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(Profile("dev")));

        Assert.Contains("Source:MfaTokenCodeProvider is missing while the profile chain of 'dev' sets mfa_serial", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedCredentialSource_IsRejected()
    {
        File.WriteAllText(_fixture.PathOf("config"), $"[profile dev]\nrole_arn = {DevArn}\ncredential_source = Magic\n");

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(Profile("dev")));

        Assert.Contains("has credential_source 'Magic', which is not one of Environment, Ec2InstanceMetadata, EcsContainer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionTokenFromProfileKeys_UsesTheProfileKeys()
    {
        var options = _fixture.Options(SourceCredentialsType.SessionToken);
        options.Source.ProfileName = "base";
        await using var provider = _fixture.Create(options);

        await provider.GetCredentialsAsync();

        Assert.Equal(ProviderFixture.SourceAccessKeyId, Assert.Single(_fixture.Provider.Sts.SourceCalls).SignerAccessKeyId);
    }

    /// <summary>
    /// dev (two hours, signed by the base keys) then prod (two hours, signed by dev's session: role chaining, so one hour),
    /// as start-up checks them against <paramref name="refreshAhead"/> (issue #17: as configured Roles are).
    /// </summary>
    private CredentialKitProfileOptions TwoHourChain(string name, TimeSpan refreshAhead, params string[] roleArns)
    {
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
        var options = Profile(name, roleArns);
        options.Refresh.RefreshAhead = refreshAhead;
        return options;
    }

    [Fact]
    public void Create_SecondProfileHopAsksForTwoHours_IsCheckedAgainstTheOneHourItWillGet()
    {
        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(TwoHourChain("prod", TimeSpan.FromMinutes(45))));

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
        var provider = _fixture.Create(TwoHourChain("dev", TimeSpan.FromMinutes(45)));

        Assert.NotNull(provider);
    }

    [Fact]
    public void Create_ConfiguredRoleAfterAProfileRole_IsAChainedHop()
    {
        var options = TwoHourChain("dev", TimeSpan.FromMinutes(45), ProviderFixture.BillingArn);
        options.Roles[0].Duration = TimeSpan.FromHours(2);

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(options));

        Assert.Contains(error.Failures,
            f => f.Contains("more than half of Roles:0:Duration (02:00:00, which role chaining cuts to 01:00:00)", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Failures, f => f.Contains("ProfileName[dev]", StringComparison.Ordinal));
    }
}
