using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Operations;

public sealed class FederationOperationTests
{
    private static AmazonSecurityTokenServiceClient Anonymous(LocalStsServer server) => Sts.Client(server, new AnonymousAWSCredentials());

    [Fact]
    public async Task AssumeRoleWithWebIdentity_ValidToken_ReturnsSessionWithClaimTags()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Anonymous(server);
        var token = LocalStsTokens.MintWebIdentityToken(LocalStsDemo.OidcIssuer, LocalStsDemo.OidcSigningKey, "system:serviceaccount:app", LocalStsDemo.OidcAudience,
            time.GetUtcNow().AddHours(1), principalTags: new Dictionary<string, string> { ["Team"] = "blue" }, transitiveTagKeys: ["Team"]);

        var response = await client.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest { RoleArn = LocalStsDemo.WebIdentityRoleArn, RoleSessionName = "pod", WebIdentityToken = token });

        Assert.Equal("arn:aws:sts::111122223333:assumed-role/web/pod", response.AssumedRoleUser.Arn);
        Assert.Equal("system:serviceaccount:app", response.SubjectFromWebIdentityToken);
        Assert.Equal(LocalStsDemo.OidcAudience, response.Audience);
        Assert.Equal(LocalStsDemo.OidcIssuer, response.Provider);
        Assert.Equal(["Team"], server.GetSession(response.Credentials.AccessKeyId)!.TransitiveTagKeys);
    }

    [Fact]
    public async Task AssumeRoleWithWebIdentity_ExpiredToken_ReturnsExpiredTokenException()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Anonymous(server);
        var token = LocalStsTokens.MintWebIdentityToken(LocalStsDemo.OidcIssuer, LocalStsDemo.OidcSigningKey, "subject-1", LocalStsDemo.OidcAudience, time.GetUtcNow().AddMinutes(5));
        time.Advance(TimeSpan.FromMinutes(5));

        var ex = await Assert.ThrowsAsync<ExpiredTokenException>(() => client.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest { RoleArn = LocalStsDemo.WebIdentityRoleArn, RoleSessionName = "pod", WebIdentityToken = token }));

        Assert.StartsWith("Token expired: current date/time", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong-key", "sts.amazonaws.com", "The web identity token signature could not be verified.")]
    [InlineData(LocalStsDemo.OidcSigningKey, "other-audience", "Incorrect token audience")]
    public async Task AssumeRoleWithWebIdentity_BadSignatureOrAudience_ReturnsInvalidIdentityToken(string key, string audience, string message)
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Anonymous(server);
        var token = LocalStsTokens.MintWebIdentityToken(LocalStsDemo.OidcIssuer, key, "subject-1", audience, time.GetUtcNow().AddHours(1));

        var ex = await Assert.ThrowsAsync<InvalidIdentityTokenException>(() => client.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest { RoleArn = LocalStsDemo.WebIdentityRoleArn, RoleSessionName = "pod", WebIdentityToken = token }));

        Assert.Equal(message, ex.Message);
        Assert.DoesNotContain(token, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssumeRoleWithWebIdentity_RoleNotTrustingProvider_ReturnsAccessDenied()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Anonymous(server);
        var token = LocalStsTokens.MintWebIdentityToken(LocalStsDemo.OidcIssuer, LocalStsDemo.OidcSigningKey, "subject-1", LocalStsDemo.OidcAudience, time.GetUtcNow().AddHours(1));

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "pod", WebIdentityToken = token }));

        Assert.Equal("AccessDenied", ex.ErrorCode);
        Assert.Equal("Not authorized to perform sts:AssumeRoleWithWebIdentity", ex.Message);
    }

    [Fact]
    public async Task AssumeRoleWithSaml_ValidAssertion_ReturnsSamlMembers()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Anonymous(server);
        var assertion = LocalStsTokens.MintSamlAssertion(LocalStsDemo.SamlIssuer, LocalStsDemo.SamlRoleArn, LocalStsDemo.SamlProviderArn, "alice", time.GetUtcNow().AddMinutes(5), subject: "alice@example.com");

        var response = await client.AssumeRoleWithSAMLAsync(new AssumeRoleWithSAMLRequest { RoleArn = LocalStsDemo.SamlRoleArn, PrincipalArn = LocalStsDemo.SamlProviderArn, SAMLAssertion = assertion });

        Assert.Equal("arn:aws:sts::111122223333:assumed-role/sso/alice", response.AssumedRoleUser.Arn);
        Assert.Equal("alice@example.com", response.Subject);
        Assert.Equal("persistent", response.SubjectType);
        Assert.Equal(LocalStsDemo.SamlIssuer, response.Issuer);
        Assert.Equal("https://signin.aws.amazon.com/saml", response.Audience);
        Assert.False(string.IsNullOrEmpty(response.NameQualifier));
    }

    [Fact]
    public async Task AssumeRoleWithSaml_ExpiredAssertion_ReturnsExpiredTokenException()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Anonymous(server);
        var assertion = LocalStsTokens.MintSamlAssertion(LocalStsDemo.SamlIssuer, LocalStsDemo.SamlRoleArn, LocalStsDemo.SamlProviderArn, "alice", time.GetUtcNow().AddMinutes(5));
        time.Advance(TimeSpan.FromMinutes(6));

        await Assert.ThrowsAsync<ExpiredTokenException>(() => client.AssumeRoleWithSAMLAsync(new AssumeRoleWithSAMLRequest { RoleArn = LocalStsDemo.SamlRoleArn, PrincipalArn = LocalStsDemo.SamlProviderArn, SAMLAssertion = assertion }));
    }

    [Fact]
    public async Task AssumeRoleWithSaml_AssertionForOtherRole_ReturnsAccessDenied()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Anonymous(server);
        var assertion = LocalStsTokens.MintSamlAssertion(LocalStsDemo.SamlIssuer, LocalStsDemo.HubRoleArn, LocalStsDemo.SamlProviderArn, "alice", time.GetUtcNow().AddMinutes(5));

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.AssumeRoleWithSAMLAsync(new AssumeRoleWithSAMLRequest { RoleArn = LocalStsDemo.SamlRoleArn, PrincipalArn = LocalStsDemo.SamlProviderArn, SAMLAssertion = assertion }));

        Assert.Equal("AccessDenied", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
    }

    [Fact]
    public async Task AssumeRoleWithSaml_WrongIssuer_ReturnsInvalidIdentityToken()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Anonymous(server);
        var assertion = LocalStsTokens.MintSamlAssertion("https://evil.example", LocalStsDemo.SamlRoleArn, LocalStsDemo.SamlProviderArn, "alice", time.GetUtcNow().AddMinutes(5));

        await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.AssumeRoleWithSAMLAsync(new AssumeRoleWithSAMLRequest { RoleArn = LocalStsDemo.SamlRoleArn, PrincipalArn = LocalStsDemo.SamlProviderArn, SAMLAssertion = assertion }));
    }

    [Fact]
    public async Task GetSessionToken_UserKeys_ReturnsUserIdentityCredentials()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);

        var token = await client.GetSessionTokenAsync(new GetSessionTokenRequest());
        using var sessionClient = Sts.Client(server, Sts.AsCredentials(token.Credentials));
        var identity = await sessionClient.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(LocalStsDemo.UserArn, identity.Arn);
        Assert.Equal(time.GetUtcNow().AddHours(12), server.GetSession(token.Credentials.AccessKeyId)!.Expiration);
    }

    [Fact]
    public async Task GetSessionToken_WrongMfaCode_ReturnsAccessDenied()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetSessionTokenAsync(new GetSessionTokenRequest { SerialNumber = LocalStsDemo.MfaSerialNumber, TokenCode = "999999" }));

        Assert.Equal("AccessDenied", ex.ErrorCode);
    }

    [Fact]
    public async Task GetSessionToken_WithSessionCredentials_ReturnsAccessDenied()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);
        var hub = await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app" });
        using var hubClient = Sts.Client(server, Sts.AsCredentials(hub.Credentials));

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => hubClient.GetSessionTokenAsync(new GetSessionTokenRequest()));

        Assert.Equal("AccessDenied", ex.ErrorCode);
    }

    [Fact]
    public async Task GetSessionToken_DurationAboveMax_ReturnsValidationError()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);
        var duration = int.Parse("129601", System.Globalization.CultureInfo.InvariantCulture);

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetSessionTokenAsync(new GetSessionTokenRequest { DurationSeconds = duration }));

        Assert.Equal("1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600", ex.Message);
    }

    [Fact]
    public async Task GetFederationToken_UserKeys_ReturnsFederatedUser()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);

        var response = await client.GetFederationTokenAsync(new GetFederationTokenRequest { Name = "bob" });
        using var fedClient = Sts.Client(server, Sts.AsCredentials(response.Credentials));
        var identity = await fedClient.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal("arn:aws:sts::111122223333:federated-user/bob", response.FederatedUser.Arn);
        Assert.Equal("111122223333:bob", response.FederatedUser.FederatedUserId);
        Assert.Equal("arn:aws:sts::111122223333:federated-user/bob", identity.Arn);
    }

    [Fact]
    public async Task GetCallerIdentity_UserKeys_ReturnsUserArn()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);

        var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(LocalStsDemo.UserArn, identity.Arn);
        Assert.Equal(LocalStsDemo.AccountId, identity.Account);
        Assert.StartsWith("AIDA", identity.UserId, StringComparison.Ordinal);
    }
}
