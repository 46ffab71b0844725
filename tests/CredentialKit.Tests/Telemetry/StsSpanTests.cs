using System.Collections.Concurrent;
using System.Diagnostics;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Telemetry;

/// <summary>STS attempt spans read like the OpenTelemetry AWS SDK instrumentation's: RPC conventions and <c>STS/&lt;Operation&gt;</c> names.</summary>
public sealed class StsSpanTests
{
    [Fact]
    public async Task StsAttempt_Span_FollowsTheOpenTelemetryRpcConventionsForAws()
    {
        var roleArn = $"arn:aws:iam::111122223333:role/span-{Guid.NewGuid():N}"; // spans are process-wide: find this test's own
        var spans = new ConcurrentQueue<Activity>();
        using var listener = Listen(spans, roleArn);
        var fixture = new ProviderFixture();
        var options = ProviderFixture.Profile(roleArn);
        options.Sts.Region = "eu-west-1";
        await using var provider = fixture.Create(options);
        fixture.Sts.EnqueueError("Throttling");

        await provider.GetCredentialsAsync();

        Assert.Equal(2, spans.Count);
        Assert.All(spans, span =>
        {
            Assert.Equal("STS/AssumeRole", span.DisplayName);
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal("aws-api", span.GetTagItem("rpc.system"));
            Assert.Equal("STS", span.GetTagItem("rpc.service"));
            Assert.Equal("AssumeRole", span.GetTagItem("rpc.method"));
            Assert.Equal("eu-west-1", span.GetTagItem("cloud.region"));
        });
        Assert.Equal([ActivityStatusCode.Error, ActivityStatusCode.Unset], spans.Select(s => s.Status));
        Assert.Equal("Throttling", spans.First().GetTagItem("credentialkit.error_code"));
    }

    private static ActivityListener Listen(ConcurrentQueue<Activity> spans, string roleArn)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CredentialKitTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("credentialkit.role_arn"), roleArn) && activity.Kind == ActivityKind.Client)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
