using CredentialKit.Redis.Tests.Helpers;
using Microsoft.Extensions.Logging.Abstractions;

namespace CredentialKit.Redis.Tests;

/// <summary>
/// Issue #21 item 2: the fleet STS budget's GCRA script against a real redis-server (burst, steady rate, urgent reserve),
/// and the fallback to local pacing when Redis is gone. Real clock (Redis's TIME): outcomes only, with wide bounds.
/// </summary>
public sealed class FleetStsBudgetTests
{
    [Fact]
    public async Task TryAcquireAsync_Burst_NormalCallsLeaveTheUrgentReserve_UrgentCallsTakeIt()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var store = Store(redis);

        // Rate 1/s, burst 10: ten permits at once, two of them kept for urgent calls; the next one a second later.
        var normal = await GrantsAsync(store, new FleetStsBudgetRequest("111122223333/us-east-1", 1, 10, Urgent: false), 20);
        var urgent = await GrantsAsync(store, new FleetStsBudgetRequest("111122223333/us-east-1", 1, 10, Urgent: true), 20);

        var normalAfterUrgent = await store.TryAcquireAsync(new FleetStsBudgetRequest("111122223333/us-east-1", 1, 10, Urgent: false));

        Assert.Equal(8, normal.Granted);
        Assert.Equal(2, urgent.Granted);
        Assert.InRange(normal.LastWait, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        Assert.InRange(urgent.LastWait, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));

        // The urgent calls used the reserve: a normal call now waits until the reserve has refilled too.
        Assert.False(normalAfterUrgent.Granted);
        Assert.InRange(normalAfterUrgent.RetryAfter, TimeSpan.FromMilliseconds(2_500), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task TryAcquireAsync_BucketsPerScope_AreIndependent()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var store = Store(redis);

        var first = await GrantsAsync(store, new FleetStsBudgetRequest("111122223333/us-east-1", 1, 3, Urgent: true), 5);
        var otherRegion = await GrantsAsync(store, new FleetStsBudgetRequest("111122223333/eu-west-1", 1, 3, Urgent: true), 5);

        Assert.Equal(3, first.Granted);
        Assert.Equal(3, otherRegion.Granted);
    }

    [Fact]
    public async Task TryAcquireAsync_SteadyDemand_GrantsAtTheRateAfterTheBurst()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var store = Store(redis);
        var request = new FleetStsBudgetRequest("111122223333/us-east-1", 20, 1, Urgent: false);

        // Two processes' worth of callers asking as fast as the budget lets them, for about 1.5 s.
        var granted = 0;
        var started = TimeProvider.System.GetTimestamp();
        async Task CallerAsync()
        {
            while (TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromMilliseconds(1_500))
            {
                var decision = await store.TryAcquireAsync(request);
                if (decision.Granted)
                {
                    Interlocked.Increment(ref granted);
                }
                else
                {
                    await Task.Delay(decision.RetryAfter);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CallerAsync()));
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        // Never more than the rate over the time taken (plus the one permit of the burst); and the callers were served.
        Assert.True(granted <= (20 * elapsed.TotalSeconds) + 1, $"{granted} permits in {elapsed}");
        Assert.True(granted >= 10, $"{granted} permits in {elapsed}");
    }

    [Fact]
    public async Task FleetPacer_RedisKilled_FallsBackToLocalPacingAtOnce_AndSkipsRedisForTheCoolDown()
    {
        var redis = await RedisServer.StartAsync();
        await using var store = Store(redis);
        var pacer = new FleetStsPacer(store, 1, 1, TimeSpan.FromMinutes(1), TimeProvider.System, NullLogger.Instance);
        await pacer.AcquireAsync("111122223333/us-east-1", usableUntil: null, CancellationToken.None);
        Assert.Equal(1, pacer.Granted);

        await redis.KillAsync();
        await redis.DisposeAsync();

        // The bucket is empty for a second, but Redis is gone: the call goes ahead on local pacing, and so does the next
        // one without asking Redis again.
        await pacer.AcquireAsync("111122223333/us-east-1", usableUntil: null, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await pacer.AcquireAsync("111122223333/us-east-1", usableUntil: null, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, pacer.FellBack);
        Assert.Equal(1, pacer.Granted);
    }

    private static async Task<(int Granted, TimeSpan LastWait)> GrantsAsync(RedisSharedSessionStore store, FleetStsBudgetRequest request, int attempts)
    {
        var granted = 0;
        var lastWait = TimeSpan.Zero;
        for (var i = 0; i < attempts; i++)
        {
            var decision = await store.TryAcquireAsync(request);
            if (decision.Granted)
            {
                granted++;
            }
            else
            {
                lastWait = decision.RetryAfter;
            }
        }

        return (granted, lastWait);
    }

    private static RedisSharedSessionStore Store(RedisServer redis) => new(new RedisSharedSessionStoreOptions
    {
        Configuration = redis.Configuration,
        DataProtectionProvider = new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider(),
        KeyPrefix = Sessions.NewPrefix(),
        // The script's semantics are under test, not the store's fail-fast bound: a first call on a loaded machine
        // (connect, script load) may take longer than the default.
        OperationTimeout = TimeSpan.FromSeconds(10),
    });
}
