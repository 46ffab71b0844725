using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.Sources;

/// <summary><c>credential_source</c> profiles, now run by CredentialKit itself rather than the SDK's default chain.</summary>
public sealed class CredentialSourceProfileTests : IDisposable
{
    private const string DevArn = "arn:aws:iam::111122223333:role/dev";
    private readonly SourceFixture _fixture = new();
    private readonly MetadataStub _stub;

    public CredentialSourceProfileTests()
    {
        _stub = MetadataStub.Platform(() => _fixture.Provider.Time.GetUtcNow());
        _fixture.Environment["AWS_CONFIG_FILE"] = _fixture.PathOf("config");
        _fixture.Environment["AWS_SHARED_CREDENTIALS_FILE"] = _fixture.PathOf("credentials");
        File.WriteAllText(_fixture.PathOf("config"), $"""
            [profile ecs]
            role_arn = {DevArn}
            credential_source = EcsContainer

            [profile ec2]
            role_arn = {DevArn}
            credential_source = Ec2InstanceMetadata

            [profile env]
            role_arn = {DevArn}
            credential_source = Environment

            [profile prod]
            role_arn = {ProviderFixture.BillingArn}
            source_profile = ec2
            """);
    }

    public void Dispose()
    {
        _stub.Dispose();
        _fixture.Dispose();
    }

    private CredentialKitProfileOptions Profile(string name)
    {
        var options = _fixture.Options(SourceCredentialsType.Profile);
        options.Source.ProfileName = name;
        return options;
    }

    [Fact]
    public async Task EcsContainer_AssumesTheRoleWithTheContainerSession()
    {
        _fixture.Environment[ContainerCredentialsSettings.FullUri] = new Uri(_stub.BaseUri, "task").ToString();
        await using var provider = _fixture.Create(Profile("ecs"));

        await provider.GetCredentialsAsync();

        var call = Assert.Single(_fixture.Provider.Sts.Calls);
        Assert.Equal((DevArn, "ASIACONTAINEREXAMPL1"), (call.Request.RoleArn, call.SignerAccessKeyId));
    }

    [Fact]
    public async Task Ec2InstanceMetadata_UnderASourceProfileChain_AssumesBothRolesOverTheInstanceSession()
    {
        _fixture.Environment[InstanceMetadataSettings.EndpointVariable] = _stub.BaseUri.ToString();
        await using var provider = _fixture.Create(Profile("prod"));

        var credentials = await provider.GetCredentialsAsync();

        var calls = _fixture.Provider.Sts.Calls;
        Assert.Equal([DevArn, ProviderFixture.BillingArn], calls.Select(c => c.Request.RoleArn));
        Assert.Equal("ASIAINSTANCEEXAMPLE1", calls[0].SignerAccessKeyId);
        Assert.True(calls[0].Request.DurationSeconds is null or <= 3600, "a role assumed with an instance session is role chaining");
        Assert.StartsWith("ASIABILLING", credentials.AccessKeyId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_SignsWithTheEnvironmentKeys()
    {
        _fixture.Environment["AWS_ACCESS_KEY_ID"] = ProviderFixture.SourceAccessKeyId;
        _fixture.Environment["AWS_SECRET_ACCESS_KEY"] = ProviderFixture.SourceSecret;
        await using var provider = _fixture.Create(Profile("env"));

        await provider.GetCredentialsAsync();

        Assert.Equal(ProviderFixture.SourceAccessKeyId, Assert.Single(_fixture.Provider.Sts.Calls).SignerAccessKeyId);
    }

    [Theory]
    [InlineData("ecs", "credential_source EcsContainer, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")]
    [InlineData("env", "credential_source Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set")]
    public void MissingPlatformVariables_FailAtStartNamingTheProfile(string profile, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(Profile(profile)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{profile}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ec2InstanceMetadata_Disabled_FailsAtStart()
    {
        _fixture.Environment[InstanceMetadataSettings.Disabled] = "true";

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(Profile("ec2")));

        Assert.Contains("AWS_EC2_METADATA_DISABLED is true", error.Message, StringComparison.Ordinal);
    }
}
