using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.Sources;

/// <summary>Source.Type Default as CredentialKit's own chain, in the SDKs' order, with an injected environment.</summary>
public sealed class DefaultChainTests : IDisposable
{
    private readonly SourceFixture _fixture = new();
    private readonly MetadataStub _stub;

    public DefaultChainTests()
    {
        _stub = MetadataStub.Platform(() => _fixture.Provider.Time.GetUtcNow());
        _fixture.Environment["AWS_CONFIG_FILE"] = _fixture.PathOf("config");
        _fixture.Environment["AWS_SHARED_CREDENTIALS_FILE"] = _fixture.PathOf("credentials");
        _fixture.Environment[InstanceMetadataSettings.EndpointVariable] = _stub.BaseUri.ToString();
    }

    public void Dispose()
    {
        _stub.Dispose();
        _fixture.Dispose();
    }

    private CredentialKitProfileOptions Options() => _fixture.Options(SourceCredentialsType.Default, ProviderFixture.HubArn);

    private async Task<string> SignerOfHubAsync(CredentialKitProfileOptions options)
    {
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();
        return Assert.Single(_fixture.Provider.Sts.Calls).SignerAccessKeyId;
    }

    [Fact]
    public async Task EnvironmentKeys_ComeFirst()
    {
        _fixture.Environment["AWS_ACCESS_KEY_ID"] = ProviderFixture.SourceAccessKeyId;
        _fixture.Environment["AWS_SECRET_ACCESS_KEY"] = ProviderFixture.SourceSecret;
        _fixture.Environment[ContainerCredentialsSettings.FullUri] = new Uri(_stub.BaseUri, "task").ToString();

        Assert.Equal(ProviderFixture.SourceAccessKeyId, await SignerOfHubAsync(Options()));
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public async Task SharedProfile_ComesBeforeContainerAndImds_AndMayBeNamed()
    {
        File.WriteAllText(_fixture.PathOf("credentials"), $"[ci]\naws_access_key_id = {ProviderFixture.SourceAccessKeyId}\naws_secret_access_key = {ProviderFixture.SourceSecret}\n");
        _fixture.Environment[ContainerCredentialsSettings.FullUri] = new Uri(_stub.BaseUri, "task").ToString();
        var options = Options();
        options.Source.ProfileName = "ci";

        Assert.Equal(ProviderFixture.SourceAccessKeyId, await SignerOfHubAsync(options));
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public void NamedProfileMissing_FailsAtStartRatherThanFallingThrough()
    {
        var options = Options();
        options.Source.ProfileName = "typo";

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(options));

        Assert.Contains("names profile 'typo'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Container_ComesBeforeImds()
    {
        _fixture.Environment[ContainerCredentialsSettings.FullUri] = new Uri(_stub.BaseUri, "task").ToString();

        Assert.Equal("ASIACONTAINEREXAMPL1", await SignerOfHubAsync(Options()));
    }

    [Fact]
    public async Task Imds_IsTheLastResort_AndNeedsNoRole()
    {
        var options = _fixture.Options(SourceCredentialsType.Default);
        await using var provider = _fixture.Create(options);

        Assert.Equal("ASIAINSTANCEEXAMPLE1", (await provider.GetCredentialsAsync()).AccessKeyId);
    }

    [Fact]
    public async Task ImdsFailing_ErrorListsTheLinksSkippedAndWhy()
    {
        _fixture.Environment[InstanceMetadataSettings.EndpointVariable] = new Uri(_stub.BaseUri, "nothing-here/").ToString();
        await using var provider = _fixture.Create(Options());

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Contains("The default chain chose this after skipping: environment (AWS_ACCESS_KEY_ID is not set); web identity", error.Message, StringComparison.Ordinal);
        Assert.Contains("shared profile ('default' is in neither", error.Message, StringComparison.Ordinal);
        Assert.Contains("container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingConfiguredAndImdsDisabled_FailsAtStartListingEveryLink()
    {
        _fixture.Environment[InstanceMetadataSettings.Disabled] = "true";

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(Options()));

        Assert.Contains("Source:Type is Default, but the default chain found no credentials; it tried, in the AWS SDKs' order: environment", error.Message, StringComparison.Ordinal);
        Assert.Contains("instance metadata (AWS_EC2_METADATA_DISABLED is true)", error.Message, StringComparison.Ordinal);
    }
}
