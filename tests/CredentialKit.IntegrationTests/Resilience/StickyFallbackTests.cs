using CredentialKit.IntegrationTests.Helpers;
using CredentialKit.LocalSts;

namespace CredentialKit.IntegrationTests.Resilience;

/// <summary>
/// Issue #21.3 with the real SDK client: the primary endpoint is a black-holed loopback port (it reads each request and
/// never answers), the fallback region's URL is LocalSts. Counts requests on both sides; durations are never asserted,
/// the manual clock fires the attempt timeouts.
/// </summary>
public sealed class StickyFallbackTests
{
    [Fact]
    public async Task BlackHoledPrimary_ColdTwoHopChainPaysTheDetectionOnce_LaterRefreshesGoStraightToTheFallback()
    {
        await using var h = await LocalStsHarness.StartAsync();
        await using var blackHole = new RawHttpServer(static (_, _, ct) => Task.Delay(Timeout.Infinite, ct));
        var options = h.Profile(LocalStsHarness.Hub(), LocalStsHarness.Reports());
        options.Sts.ServiceUrl = blackHole.Url;
        options.Sts.AuthenticationRegion = "us-east-1";
        options.Sts.FallbackRegions.Add("us-west-2");
        options.Sts.FallbackServiceUrls["us-west-2"] = h.Server.Endpoint.ToString();
        options.Refresh.MaxRetryAttempts = 1;
        var provider = h.CreateProvider(options);

        // Cold: the hub hop finds the primary black-holed (two attempts, each ended by its timeout), then both hops are
        // served by the fallback; the reports hop never tries the primary.
        var first = provider.GetCredentialsAsync().AsTask();
        await TimeOutAttemptAsync(h, blackHole, requests: 1, RefreshDefaults.AttemptTimeout);
        await TimeOutAttemptAsync(h, blackHole, requests: 2, RefreshDefaults.AttemptTimeout);
        var credentials = await first;

        Assert.Equal("us-west-2", credentials.Region);
        Assert.Equal(2, blackHole.Requests.Count);
        Assert.Single(h.AssumeRoleRequests(LocalStsDemo.HubRoleArn));
        Assert.Single(h.AssumeRoleRequests(LocalStsHarness.Reports().RoleArn));
        var down = Assert.Single(provider.GetStatus().UnavailableEndpoints);
        Assert.Equal(blackHole.Url, down.Endpoint);
        Assert.Equal("Timeout", down.LastErrorCode);
        Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);

        // During the cool-down: one fallback call per refresh, nothing sent to the primary.
        for (var i = 0; i < 3; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(2));
            provider.Invalidate();
            Assert.Equal("us-west-2", (await provider.GetCredentialsAsync()).Region);
        }

        Assert.Equal(2, blackHole.Requests.Count);
        Assert.Equal(4, h.AssumeRoleRequests(LocalStsHarness.Reports().RoleArn).Count);

        // After it: one refresh probes the primary with one short attempt, then the fallback serves; the cool-down doubles.
        h.Time.Advance(StsEndpointDefaults.CoolDown);
        provider.Invalidate();
        var probed = provider.GetCredentialsAsync().AsTask();
        await TimeOutAttemptAsync(h, blackHole, requests: 3, StsEndpointDefaults.ProbeTimeout);
        Assert.Equal("us-west-2", (await probed).Region);

        Assert.Equal(3, blackHole.Requests.Count);
        Assert.Equal(5, h.AssumeRoleRequests(LocalStsHarness.Reports().RoleArn).Count);
        Assert.Single(h.AssumeRoleRequests(LocalStsDemo.HubRoleArn));
        Assert.Equal(h.Time.GetUtcNow() + (StsEndpointDefaults.CoolDown * 2), Assert.Single(provider.GetStatus().UnavailableEndpoints).NextProbeAt);
        Assert.Equal(2, h.ProviderLogs(28).Count);
    }

    [Fact]
    public async Task PrimaryBackAfterTheCoolDown_TheProbeIsServedThereAndTrafficReturns()
    {
        await using var h = await LocalStsHarness.StartAsync();
        var westOptions = LocalStsOptions.CreateDemo();
        westOptions.MaxRequestSkew = null; // on the manual clock, like the harness's server
        await using var west = await LocalStsServer.StartNewAsync(westOptions, h.Time, h.Logs);
        var options = h.Profile();
        options.Sts.FallbackRegions.Add("us-west-2");
        options.Sts.FallbackServiceUrls["us-west-2"] = west.Endpoint.ToString();
        options.Refresh.MaxRetryAttempts = 1;
        h.Server.Faults.StartOutage(LocalStsFault.ServiceUnavailable());
        var provider = h.CreateProvider(options);

        Assert.Equal("us-west-2", (await provider.GetCredentialsAsync()).Region);
        h.Time.Advance(TimeSpan.FromSeconds(2));
        provider.Invalidate();
        Assert.Equal("us-west-2", (await provider.GetCredentialsAsync()).Region);
        Assert.Equal(2, h.AssumeRoleRequests().Count); // the first refresh's two attempts only

        h.Server.Faults.EndOutage();
        h.Time.Advance(StsEndpointDefaults.CoolDown);
        provider.Invalidate();
        Assert.Equal("us-east-1", (await provider.GetCredentialsAsync()).Region);
        h.Time.Advance(TimeSpan.FromSeconds(2));
        provider.Invalidate();
        Assert.Equal("us-east-1", (await provider.GetCredentialsAsync()).Region);

        Assert.Equal(4, h.AssumeRoleRequests().Count);
        Assert.Equal(2, west.Journal.Snapshot().Count(e => e.Operation == LocalStsHarness.AssumeRole));
        Assert.Empty(provider.GetStatus().UnavailableEndpoints);
        Assert.Single(h.ProviderLogs(29));
    }

    /// <summary>Waits until the black hole has read <paramref name="requests"/> requests and the attempt's timeout is armed, then fires it.</summary>
    private static async Task TimeOutAttemptAsync(LocalStsHarness h, RawHttpServer blackHole, int requests, TimeSpan timeout)
    {
        await Eventually.WaitAsync(() => blackHole.Requests.Count == requests, $"request {requests} at the black hole");
        await Eventually.WaitAsync(() => h.Time.NextTimerDueIn == timeout, "the attempt timeout being armed");
        h.Time.Advance(timeout);
    }
}
