using System.Globalization;
using System.Net;
using CredentialKit.LocalSts.Tool.Tests.Helpers;

namespace CredentialKit.LocalSts.Tool.Tests;

/// <summary>Presigned GetCallerIdentity as botocore builds it for <c>aws eks get-token</c>: STS ignores X-Amz-Expires and
/// accepts the URL for 15 minutes after X-Amz-Date.</summary>
public sealed partial class AwsCliConformanceTests
{
    // What `aws eks get-token` and aws-iam-authenticator do: presign GetCallerIdentity with x-k8s-aws-id signed in.
    // Debian's awscli v2 vendors botocore; importing awscli first makes it importable as botocore.
    private const string PresignScript = """
        import sys
        try:
            import botocore.session
        except ImportError:
            import awscli
            import botocore.session
        session = botocore.session.get_session()
        client = session.create_client('sts', region_name='us-east-1', endpoint_url=sys.argv[1])
        def add_cluster_id(request, **kwargs):
            request.headers['x-k8s-aws-id'] = 'my-cluster'
        client.meta.events.register('before-sign.sts.GetCallerIdentity', add_cluster_id)
        print(client.generate_presigned_url('get_caller_identity', Params={}, ExpiresIn=int(sys.argv[2]), HttpMethod='GET'))
        """;

    private static readonly Dictionary<string, string> ClusterHeader = new() { ["x-k8s-aws-id"] = "my-cluster" };

    private async Task<Uri> PresignAsync(AwsCli.Keys keys, int expiresIn)
    {
        var presigned = await AwsCli.PythonAsync(keys, PresignScript, fixture.Tool.Endpoint.ToString(), expiresIn.ToString(CultureInfo.InvariantCulture));
        Assert.True(presigned.ExitCode == 0, presigned.ToString());
        return new Uri(presigned.StandardOutput.Trim());
    }

    [Theory]
    [InlineData(0)]     // Terraform's aws_eks_cluster_auth
    [InlineData(60)]    // aws eks get-token, aws-iam-authenticator
    [InlineData(3600)]
    public async Task PresignedGetCallerIdentity_AnyExpires_AcceptedFor15MinutesAfterSigning(int expiresIn)
    {
        var hub = await AssumeHubAsync("conf-presign-" + expiresIn.ToString(CultureInfo.InvariantCulture));
        var url = await PresignAsync(hub, expiresIn);
        Assert.Contains("X-Amz-Expires=" + expiresIn.ToString(CultureInfo.InvariantCulture), url.Query, StringComparison.Ordinal);

        var answers = new Dictionary<int, (HttpStatusCode Status, string Body)>();
        try
        {
            foreach (var age in new[] { 60, 14 * 60, 16 * 60 })
            {
                // The server's clock is moved on instead of waiting: the URL is as old as the offset.
                await fixture.Control.SendAsync(HttpMethod.Put, "clock", $$"""{"offsetSeconds":{{age}}}""");
                using var response = await ControlApi.GetAsync(url, ClusterHeader);
                answers[age] = (response.StatusCode, await response.Content.ReadAsStringAsync());
            }
        }
        finally
        {
            await fixture.Control.SendAsync(HttpMethod.Put, "clock", """{"offsetSeconds":0}""");
        }

        Assert.True(answers[60].Status == HttpStatusCode.OK, answers[60].Body);
        Assert.True(answers[14 * 60].Status == HttpStatusCode.OK, answers[14 * 60].Body);
        Assert.Contains("<Arn>arn:aws:sts::111122223333:assumed-role/hub/conf-presign-", answers[14 * 60].Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, answers[16 * 60].Status);
        Assert.Contains("<Code>RequestExpired</Code>", answers[16 * 60].Body, StringComparison.Ordinal);
    }
}
