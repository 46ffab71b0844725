using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Signing;

public sealed class SignatureVerificationTests
{
    private const string CallerIdentityBody = "Action=GetCallerIdentity&Version=2011-06-15";

    [Fact]
    public async Task HandleAsync_ValidHandSignedRequest_Succeeds()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var response = await RawSts.PostAsync(server, CallerIdentityBody, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HandleAsync_TamperedBody_ReturnsSignatureDoesNotMatch()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var response = await RawSts.PostAsync(server, CallerIdentityBody, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey,
            tamper: r => r.Content = new StringContent(CallerIdentityBody + "&Extra=1", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_TamperedSignedHeader_ReturnsSignatureDoesNotMatch()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var response = await RawSts.PostAsync(server, CallerIdentityBody, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey,
            tamper: r =>
            {
                r.Headers.Remove("X-Amz-Date");
                r.Headers.TryAddWithoutValidation("X-Amz-Date", "20000101T000000Z");
            });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_WrongService_ReturnsSignatureDoesNotMatch()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var response = await RawSts.PostAsync(server, CallerIdentityBody, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, service: "iam");

        Assert.Contains("Credential should be scoped to correct service: 'sts'.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_MalformedAuthorization_ReturnsIncompleteSignature()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var response = await RawSts.PostAsync(server, CallerIdentityBody, authorization: "AWS4-HMAC-SHA256 Credential=AKIALOCALSTSDEMO0001/20260101/us-east-1/sts/aws4_request");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>IncompleteSignature</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCallerIdentity_WrongSecret_ReturnsSignatureDoesNotMatch()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server, new BasicAWSCredentials(LocalStsDemo.AccessKeyId, "not-the-secret"));

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("SignatureDoesNotMatch", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
    }

    [Fact]
    public async Task GetCallerIdentity_UnknownKey_ReturnsInvalidClientTokenId()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server, new BasicAWSCredentials("AKIAUNKNOWNKEY000001", "secret"));

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("InvalidClientTokenId", ex.ErrorCode);
        Assert.Equal("The security token included in the request is invalid.", ex.Message);
    }

    [Fact]
    public async Task GetCallerIdentity_SessionKeyWithWrongToken_ReturnsInvalidClientTokenId()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        var hub = await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app" });
        using var forged = Sts.Client(server, new SessionAWSCredentials(hub.Credentials.AccessKeyId, hub.Credentials.SecretAccessKey, "forged-token"));

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => forged.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("InvalidClientTokenId", ex.ErrorCode);
    }

    [Fact]
    public async Task AssumeRole_Anonymous_ReturnsMissingAuthenticationToken()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server, new AnonymousAWSCredentials());

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app" }));

        Assert.Equal("MissingAuthenticationToken", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
    }

    [Fact]
    public async Task GetCallerIdentity_VerificationOff_AcceptsWrongSecret()
    {
        var (server, _) = await Sts.StartDemoAsync(o => o.VerifySignatures = false);
        await using var _ = server;
        using var client = Sts.Client(server, new BasicAWSCredentials(LocalStsDemo.AccessKeyId, "not-the-secret"));

        var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(LocalStsDemo.UserArn, identity.Arn);
    }
}
