using System.Net;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Operations;

/// <summary>Rules the emulator used to skip: reserved prefixes, list maxima, source identity persistence, verbs, regions.</summary>
public sealed class ValidationGapTests
{
    // Built at run time: the SDK's analyzer refuses a literal that breaks the model's pattern, which is what this test sends.
    private static readonly string ReservedSourceIdentity = string.Join(':', "aws", "alice");

    private static async Task<AmazonSecurityTokenServiceException> FailsAsync(LocalStsServer server, AssumeRoleRequest request, Amazon.Runtime.AWSCredentials? credentials = null)
    {
        using var client = Sts.Client(server, credentials);
        return await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.AssumeRoleAsync(request));
    }

    [Fact]
    public async Task AssumeRole_TagKeyWithAwsPrefix_ReturnsInvalidParameterValue()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        var ex = await FailsAsync(server, new AssumeRoleRequest
        {
            RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app", Tags = [new Tag { Key = "aws:team", Value = "data" }],
        });

        Assert.Equal("InvalidParameterValue", ex.ErrorCode);
        Assert.Equal("Tag keys that begin with the reserved prefix 'aws:' cannot be set.", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_ElevenPolicyArns_ReturnsValidationError()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        var arns = Enumerable.Range(1, 11).Select(i => new PolicyDescriptorType { Arn = $"arn:aws:iam::aws:policy/Policy{i:00}" }).ToList();

        var ex = await FailsAsync(server, new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app", PolicyArns = arns });

        Assert.Equal("ValidationError", ex.ErrorCode);
        Assert.StartsWith("1 validation error detected: Value '[PolicyDescriptorType(Arn=arn:aws:iam::aws:policy/Policy01), ", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssumeRole_TenPolicyArns_Succeeds()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);
        var arns = Enumerable.Range(1, 10).Select(i => new PolicyDescriptorType { Arn = $"arn:aws:iam::aws:policy/P{i:00}" }).ToList();

        var response = await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app", PolicyArns = arns });

        Assert.NotNull(response.Credentials);
    }

    [Fact]
    public async Task AssumeRole_SourceIdentityWithAwsPrefix_ReturnsReservedPrefixError()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        var ex = await FailsAsync(server, new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app", SourceIdentity = ReservedSourceIdentity });

        Assert.Equal("ValidationError", ex.ErrorCode);
        Assert.Equal("SourceIdentity cannot begin with the reserved prefix 'aws:'.", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_ChainedWithDifferentSourceIdentity_ReturnsAccessDenied()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);
        var hub = await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "hub", SourceIdentity = "alice" });

        var ex = await FailsAsync(server, new AssumeRoleRequest
        {
            RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "reports", ExternalId = LocalStsDemo.ReportsExternalId, SourceIdentity = "mallory",
        }, Sts.AsCredentials(hub.Credentials));

        Assert.Equal("AccessDenied", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal($"User: arn:aws:sts::111122223333:assumed-role/hub/hub is not authorized to perform: sts:SetSourceIdentity on resource: {LocalStsDemo.ReportsRoleArn}", ex.Message);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData(null)]
    public async Task AssumeRole_ChainedWithSameOrNoSourceIdentity_KeepsIt(string? requested)
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);
        var hub = await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "hub", SourceIdentity = "alice" });
        using var chained = Sts.Client(server, Sts.AsCredentials(hub.Credentials));

        var reports = await chained.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "reports", ExternalId = LocalStsDemo.ReportsExternalId, SourceIdentity = requested,
        });

        Assert.Equal("alice", reports.SourceIdentity);
    }

    [Fact]
    public async Task Post_ActionInQueryString_IsServed()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        using var response = await RawSts.PostAsync(server, string.Empty, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, query: RawSts.GetCallerIdentityQuery);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<GetCallerIdentityResponse", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_AnyPath_Returns405InStsShape()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        using var response = await RawSts.SendAsync(new HttpRequestMessage(HttpMethod.Delete, new Uri(server.Endpoint, "/?" + RawSts.GetCallerIdentityQuery)));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, POST", string.Join(", ", response.Content.Headers.Allow));
        Assert.Contains("<Code>MethodNotAllowed</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
        Assert.Equal("MethodNotAllowed", Assert.Single(server.Journal.Snapshot()).Outcome);
    }

    [Fact]
    public async Task GetCallerIdentity_RegionNotAllowed_ReturnsSignatureDoesNotMatch()
    {
        var (server, _) = await Sts.StartDemoAsync(o => o.AllowedRegions = ["eu-west-1"]);
        await using var __ = server;
        using var client = Sts.Client(server);

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("SignatureDoesNotMatch", ex.ErrorCode);
        Assert.Equal("Credential should be scoped to a valid region, not 'us-east-1'.", ex.Message);
    }

    [Fact]
    public async Task GetCallerIdentity_RegionAllowed_Succeeds()
    {
        var (server, _) = await Sts.StartDemoAsync(o => o.AllowedRegions = ["eu-west-1", "us-east-1"]);
        await using var __ = server;
        using var client = Sts.Client(server);

        var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(LocalStsDemo.UserArn, identity.Arn);
    }
}
