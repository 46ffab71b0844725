using System.Net;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Signing;

/// <summary>SigV4 query-string authentication: the presigned GetCallerIdentity of EKS tokens (sts-facts §2).</summary>
public sealed class PresignedRequestTests
{
    private static readonly Dictionary<string, string> ClusterHeader = new() { ["x-k8s-aws-id"] = "my-cluster" };

    private static Task<HttpResponseMessage> GetAsync(Uri url, IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return RawSts.SendAsync(request);
    }

    [Fact]
    public async Task Get_ValidPresignedUrl_ReturnsCallerIdentity()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        var url = RawSts.Presign(server.Endpoint, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, time.GetUtcNow());

        using var response = await GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<Arn>{LocalStsDemo.UserArn}</Arn>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_SignedClusterHeaderSent_Succeeds()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        var url = RawSts.Presign(server.Endpoint, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, time.GetUtcNow(), signedHeaders: ClusterHeader);

        using var response = await GetAsync(url, ClusterHeader);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_SignedClusterHeaderChanged_ReturnsSignatureDoesNotMatch()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        var url = RawSts.Presign(server.Endpoint, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, time.GetUtcNow(), signedHeaders: ClusterHeader);

        using var response = await GetAsync(url, new Dictionary<string, string> { ["x-k8s-aws-id"] = "another-cluster" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_TamperedSignature_ReturnsSignatureDoesNotMatch()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        var url = RawSts.Presign(server.Endpoint, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, time.GetUtcNow()).ToString();
        var tampered = new Uri(url[..^1] + (url[^1] == '0' ? '1' : '0'));

        using var response = await GetAsync(tampered);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // STS ignores X-Amz-Expires: a presigned request is good for 15 minutes after X-Amz-Date, whether the signer asked for
    // 0 (Terraform's aws_eks_cluster_auth), 60 (aws-iam-authenticator, kubectl re-using the token for 14 minutes) or 3600.
    [Theory]
    [InlineData(0, 60, true)]
    [InlineData(0, 14 * 60, true)]
    [InlineData(0, 16 * 60, false)]
    [InlineData(60, 60, true)]
    [InlineData(60, 14 * 60, true)]
    [InlineData(60, 16 * 60, false)]
    [InlineData(3600, 60, true)]
    [InlineData(3600, 14 * 60, true)]
    [InlineData(3600, 16 * 60, false)]
    public async Task Get_AnyExpires_AcceptedFor15MinutesAfterSigning(int expiresSeconds, int ageSeconds, bool accepted)
    {
        var (server, time) = await Sts.StartDemoAsync(o => o.MaxRequestSkew = TimeSpan.FromMinutes(15));
        await using var _ = server;
        var url = RawSts.Presign(server.Endpoint, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, time.GetUtcNow(), expiresSeconds);

        time.Advance(TimeSpan.FromSeconds(ageSeconds));
        using var response = await GetAsync(url);

        var body = await response.Content.ReadAsStringAsync();
        if (accepted)
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            Assert.Contains($"<Arn>{LocalStsDemo.UserArn}</Arn>", body, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("<Code>RequestExpired</Code>", body, StringComparison.Ordinal);
            Assert.Contains("<Message>Request has expired.</Message>", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Get_ExactlyFifteenMinutesOld_IsStillAccepted()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        var url = RawSts.Presign(server.Endpoint, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, time.GetUtcNow(), expiresSeconds: 60);

        time.Advance(TimeSpan.FromMinutes(15));
        using var atLimit = await GetAsync(url);
        time.Advance(TimeSpan.FromSeconds(1));
        using var past = await GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
    }

    [Fact]
    public async Task Get_ExpiresMissing_ReturnsIncompleteSignature()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        var url = RawSts.Presign(server.Endpoint, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, time.GetUtcNow()).ToString();

        using var response = await GetAsync(new Uri(url.Replace("&X-Amz-Expires=60", string.Empty, StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>IncompleteSignature</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_SessionCredentials_ReturnsAssumedRoleIdentity()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        var session = (await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "pod" })).Credentials;
        var url = RawSts.Presign(server.Endpoint, session.AccessKeyId, session.SecretAccessKey, time.GetUtcNow(), sessionToken: session.SessionToken);

        using var response = await GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<Arn>arn:aws:sts::111122223333:assumed-role/hub/pod</Arn>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnsignedPayloadVariant_Succeeds()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        var url = RawSts.Presign(server.Endpoint, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, time.GetUtcNow(), unsignedPayload: true);

        using var response = await GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_MissingSignature_ReturnsIncompleteSignature()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        var url = RawSts.Presign(server.Endpoint, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, time.GetUtcNow()).ToString();

        using var response = await GetAsync(new Uri(url[..url.IndexOf("&X-Amz-Signature=", StringComparison.Ordinal)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>IncompleteSignature</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_PresignedSessionRequest_RedactsSignatureAndSecurityToken()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        var session = (await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "pod" })).Credentials;
        var url = RawSts.Presign(server.Endpoint, session.AccessKeyId, session.SecretAccessKey, time.GetUtcNow(), sessionToken: session.SessionToken);

        using var response = await GetAsync(url);

        var entry = server.Journal.Snapshot()[^1];
        Assert.Equal("GetCallerIdentity", entry.Operation);
        Assert.Equal(LocalStsJournal.RedactedValue, entry.Parameters["X-Amz-Signature"]);
        Assert.Equal(LocalStsJournal.RedactedValue, entry.Parameters["X-Amz-Security-Token"]);
        Assert.DoesNotContain(entry.Parameters.Values, v => v.Contains(session.SessionToken, StringComparison.Ordinal));
    }
}
