using Amazon.SecurityToken.Model;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.Sources;

public sealed class SamlAndFederationSourceTests : IDisposable
{
    private readonly SourceFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private CredentialKitProfileOptions Saml(params string[] roleArns)
    {
        var options = _fixture.Options(SourceCredentialsType.Saml, roleArns);
        options.Source.RoleArn = SourceFixture.SamlRoleArn;
        options.Source.PrincipalArn = SourceFixture.SamlProviderArn;
        var n = 0;
        options.Source.SamlAssertionProvider = _ => ValueTask.FromResult($"PHNhbWw+assertion-{++n}");
        return options;
    }

    private CredentialKitProfileOptions Federation(params string[] roleArns)
    {
        var options = _fixture.Options(SourceCredentialsType.FederationToken, roleArns);
        options.Source.AccessKeyId = ProviderFixture.SourceAccessKeyId;
        options.Source.SecretAccessKey = ProviderFixture.SourceSecret;
        options.Source.Name = "bob";
        options.Source.Tags["team"] = "data";
        options.Source.Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";
        return options;
    }

    [Fact]
    public async Task Saml_EveryRefresh_AsksForAFreshAssertionAndSendsItUnsigned()
    {
        var options = Saml();
        options.Source.Duration = TimeSpan.FromHours(12);
        await using var provider = _fixture.Create(options);

        await provider.GetCredentialsAsync();
        _fixture.PastUsable(TimeSpan.FromHours(12));
        var credentials = await provider.GetCredentialsAsync();

        var requests = _fixture.Provider.Sts.SourceCalls.Select(c => (AssumeRoleWithSAMLRequest)c.Request).ToList();
        Assert.Equal(["PHNhbWw+assertion-1", "PHNhbWw+assertion-2"], requests.Select(r => r.SAMLAssertion));
        Assert.All(requests, r => Assert.Equal((SourceFixture.SamlRoleArn, SourceFixture.SamlProviderArn, 43200), (r.RoleArn, r.PrincipalArn, r.DurationSeconds!.Value)));
        Assert.All(_fixture.Provider.Sts.SourceCalls, c => Assert.Null(c.SignerAccessKeyId));
        Assert.StartsWith("ASIASSO", credentials.AccessKeyId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saml_RoleAfterIt_IsRoleChaining()
    {
        var options = Saml(ProviderFixture.HubArn);
        options.Roles[0].Duration = TimeSpan.FromHours(3);
        await using var provider = _fixture.Create(options);

        await provider.GetCredentialsAsync();

        Assert.Equal(3600, Assert.Single(_fixture.Provider.Sts.Calls).Request.DurationSeconds);
    }

    [Fact]
    public async Task FederationToken_SendsNameTagsAndPolicy_SignedByTheLongTermKey()
    {
        var options = Federation();
        options.Source.Duration = TimeSpan.FromHours(2);
        await using var provider = _fixture.Create(options);

        var credentials = await provider.GetCredentialsAsync();

        var call = Assert.Single(_fixture.Provider.Sts.SourceCalls);
        var request = (GetFederationTokenRequest)call.Request;
        Assert.Equal(ProviderFixture.SourceAccessKeyId, call.SignerAccessKeyId);
        Assert.Equal(("bob", 7200, options.Source.Policy), (request.Name, request.DurationSeconds!.Value, request.Policy));
        Assert.Equal("data", Assert.Single(request.Tags, t => t.Key == "team").Value);
        Assert.Equal("arn:aws:sts::111122223333:federated-user/bob", credentials.AssumedRoleArn);
    }

    [Fact]
    public void FederationToken_WithRoles_IsRejectedAtValidation()
    {
        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(Federation(ProviderFixture.HubArn)));

        Assert.Contains(
            "Profile 'test': Roles has 1 role, but Source:Type is FederationToken; allowed: no roles: STS does not let a federated user (GetFederationToken) assume a role",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FederationToken_ForRole_IsRejected()
    {
        await using var provider = _fixture.Create(Federation());

        var error = Assert.Throws<OptionsValidationException>(() => provider.ForRole(new AssumeRoleOptions { RoleArn = ProviderFixture.HubArn }));

        Assert.Contains("ForRole (arn:aws:iam::111122223333:role/hub) cannot follow GetFederationToken(bob", error.Message, StringComparison.Ordinal);
    }
}
