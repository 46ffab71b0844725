using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Sources;

/// <summary>Shared-config profiles with <c>credential_process</c>, alone and as the source of a role chain.</summary>
public sealed class CredentialProcessProfileTests : IDisposable
{
    private const string DevArn = "arn:aws:iam::111122223333:role/dev";
    private readonly SourceFixture _fixture = new();
    private readonly FakeCredentialProcess _process = new();

    public CredentialProcessProfileTests()
    {
        _fixture.Environment["AWS_CONFIG_FILE"] = _fixture.PathOf("config");
        _fixture.Environment["AWS_SHARED_CREDENTIALS_FILE"] = _fixture.PathOf("credentials");
        File.WriteAllText(_fixture.PathOf("config"), $"""
            [profile tool]
            credential_process = {_process.ScriptPath} --profile "corp account"

            [profile dev]
            role_arn = {DevArn}
            source_profile = tool
            role_session_name = dev-session

            [profile self]
            credential_process = {_process.ScriptPath}
            role_arn = {DevArn}
            source_profile = self

            [profile broken]
            credential_process = {_process.ScriptPath} 'unclosed
            """);
        _process.Succeeds(_fixture.Provider.Time.GetUtcNow().AddHours(1));
    }

    public void Dispose()
    {
        _process.Dispose();
        _fixture.Dispose();
    }

    private CredentialKitProfileOptions Profile(string name, params string[] roleArns)
    {
        var options = _fixture.Options(SourceCredentialsType.Profile, roleArns);
        options.Source.ProfileName = name;
        return options;
    }

    [Fact]
    public async Task CredentialProcessProfile_ServesTheProcessCredentials()
    {
        await using var provider = _fixture.Create(Profile("tool"));

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal(FakeCredentialProcess.AccessKeyId, credentials.AccessKeyId);
        Assert.Equal(["--profile", "corp account"], _process.LastArguments);
    }

    [Fact]
    public async Task RoleProfileWithCredentialProcessSource_AssumesTheRoleWithTheProcessCredentials()
    {
        await using var provider = _fixture.Create(Profile("dev", ProviderFixture.BillingArn));

        var credentials = await provider.GetCredentialsAsync();

        var calls = _fixture.Provider.Sts.Calls;
        Assert.Equal([DevArn, ProviderFixture.BillingArn], calls.Select(c => c.Request.RoleArn));
        Assert.Equal(FakeCredentialProcess.AccessKeyId, calls[0].SignerAccessKeyId);
        Assert.Equal("dev-session", calls[0].Request.RoleSessionName);
        Assert.StartsWith("ASIABILLING", credentials.AccessKeyId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProfileThatIsItsOwnSource_UsesItsCredentialProcess()
    {
        await using var provider = _fixture.Create(Profile("self"));

        await provider.GetCredentialsAsync();

        Assert.Equal(FakeCredentialProcess.AccessKeyId, Assert.Single(_fixture.Provider.Sts.Calls).SignerAccessKeyId);
    }

    [Fact]
    public void UnsplittableCredentialProcess_FailsAtStartNamingTheProfile()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => _fixture.Create(Profile("broken")));

        Assert.Contains("'broken'", error.Message, StringComparison.Ordinal);
        Assert.Contains("credential_process", error.Message, StringComparison.Ordinal);
        Assert.Contains("never closed", error.Message, StringComparison.Ordinal);
    }
}
