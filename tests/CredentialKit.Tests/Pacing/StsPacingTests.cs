using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Pacing;

/// <summary>The rate limit over a whole cache: every STS attempt takes a permit, and held sessions outrank a warm-up.</summary>
public class StsPacingTests
{
    private readonly ProviderFixture _fixture = new();

    private SessionCacheOptions PacedCache(int rate, int burst = 1)
    {
        var options = _fixture.CacheOptions();
        options.StsRequestsPerSecond = rate;
        options.StsRequestBurst = burst;
        return options;
    }

    [Fact]
    public async Task WarmUpQueueLongerThanASessionsLife_HeldSessionNeverDropsBelowItsMinimumLifetime()
    {
        // 4-minute sessions, refreshed 2 minutes ahead, 1 minute minimum: usable for 3 minutes. The warm-up below queues
        // 400 first fetches at 1 call per second, so without priority the hub's refresh would wait about 6 minutes.
        _fixture.Sts.Lifetime = TimeSpan.FromMinutes(4);
        var profile = ProviderFixture.Profile();
        profile.Refresh.RefreshAhead = TimeSpan.FromMinutes(2);
        profile.Refresh.MinimumLifetime = TimeSpan.FromMinutes(1);
        using var cache = new SessionCache(PacedCache(rate: 1));
        await using var hub = CredentialProvider.Create(profile, cache, "tenants");
        await hub.GetCredentialsAsync();
        var tenants = Enumerable.Range(0, 400)
            .Select(i => hub.ForRole(new AssumeRoleOptions { RoleArn = $"arn:aws:iam::444455556666:role/tenant-{i}", RoleSessionName = "tenant" }))
            .ToList();
        var warmUp = tenants.Select(t => t.GetCredentialsAsync().AsTask()).ToList();
        var hubSession = ProviderFixture.SessionOf(hub);
        int HubCalls() => _fixture.Sts.Calls.Count(c => c.Request.RoleArn == ProviderFixture.HubArn);

        for (var second = 0; second < 300; second++)
        {
            _fixture.Time.Advance(TimeSpan.FromSeconds(1));
            // Checked before the work this second released runs: the hub must not need a last-moment grant.
            var state = hub.GetStatus().State;
            Assert.True(state == CredentialProviderState.Fresh, $"second {second + 1}: hub is {state}; {ProviderFixture.SessionOf(hub).DescribeSchedule()}");
            var hubCalls = HubCalls();
            _ = hub.GetCredentialsAsync(); // a reader: starts the refresh-ahead once it is due
            // The refresh-ahead runs on the thread pool: a started one must reach the limiter (or STS) before the clock
            // moves on, or a loaded machine lets the fake clock race past it.
            await WaitUntilAsync(() => _fixture.Sts.CallCount >= cache.StsRateLimiter!.Granted && cache.StsRateLimiter.Queued > 0
                && (!hubSession.TelemetrySink.IsBusy || cache.StsRateLimiter.QueuedHeld > 0 || HubCalls() > hubCalls));
        }

        Assert.True(_fixture.Sts.Calls.Count(c => c.Request.RoleArn == ProviderFixture.HubArn) >= 2, "the hub refreshed during the warm-up");
        Assert.True(warmUp.Count(t => !t.IsCompleted) > 50, "the warm-up queue was still long");
        Assert.Equal(cache.StsRateLimiter!.Granted, _fixture.Sts.CallCount);
        foreach (var tenant in tenants)
        {
            await tenant.DisposeAsync();
        }
    }

    [Fact]
    public async Task EveryAttemptTakesAPermit_RetriesIncluded()
    {
        var profile = ProviderFixture.Profile();
        profile.Refresh.MaxRetryAttempts = 2;
        using var cache = new SessionCache(PacedCache(rate: 10));
        await using var provider = CredentialProvider.Create(profile, cache, "test");
        _fixture.Sts.EnqueueError("Throttling", System.Net.HttpStatusCode.BadRequest, times: 2);

        var pending = provider.GetCredentialsAsync().AsTask();
        await WaitUntilAsync(() => cache.StsRateLimiter!.Queued == 1);
        Assert.Equal(1, _fixture.Sts.CallCount); // the burst's one permit; the retry waits for the next
        _fixture.Time.Advance(TimeSpan.FromMilliseconds(100));
        await WaitUntilAsync(() => _fixture.Sts.CallCount == 2 && cache.StsRateLimiter!.Queued == 1);
        _fixture.Time.Advance(TimeSpan.FromMilliseconds(100));

        await pending;
        Assert.Equal(3, _fixture.Sts.CallCount);
        Assert.Equal(3, cache.StsRateLimiter!.Granted);
    }

    [Fact]
    public async Task WaitForAPermit_IsNotTheAttemptTimeout_ButTheCallersTokenEndsIt()
    {
        var profile = ProviderFixture.Profile(ProviderFixture.ReportsArn);
        profile.Refresh.AttemptTimeout = TimeSpan.FromMilliseconds(100);
        profile.Refresh.MaxRetryAttempts = 0;
        using var cache = new SessionCache(PacedCache(rate: 1));
        await using var first = CredentialProvider.Create(ProviderFixture.Profile(), cache, "first");
        await first.GetCredentialsAsync(); // takes the one permit
        await using var second = CredentialProvider.Create(profile, cache, "second");
        using var cts = new CancellationTokenSource();

        var waiting = second.GetCredentialsAsync(cts.Token).AsTask();
        await WaitUntilAsync(() => cache.StsRateLimiter!.Queued == 1);
        _fixture.Time.Advance(TimeSpan.FromMilliseconds(999)); // ten attempt timeouts: had the wait counted, it would have failed
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, _fixture.Sts.CallCount);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var later = second.GetCredentialsAsync().AsTask(); // the shared refresh kept its place in the queue
        _fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        await later;
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    /// <summary>Lets work released by the clock run: grants complete their waiters on the thread pool.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100_000 && !condition(); i++)
        {
            await Task.Yield();
        }

        Assert.True(condition(), "the condition never held");
    }
}
