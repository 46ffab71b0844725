using CredentialKit.Benchmarks.Infrastructure;

namespace CredentialKit.Benchmarks.Tenants;

/// <summary>What <see cref="PacedWarmUp"/> measured at one tenant count.</summary>
internal sealed record WarmUpResult(
    int Tenants,
    int RequestsPerSecond,
    int Burst,
    bool Completed,
    TimeSpan WarmUp,
    TimeSpan Simulated,
    long Calls,
    int PeakCalendarSecond,
    int PeakSlidingSecond,
    int Held,
    int HeldRefreshes,
    int HeldBelowMinimum,
    TimeSpan LowestHeldRemaining);

/// <summary>
/// Item 5 of the <c>tenants</c> suite: N first fetches started at once over one hub with the DEFAULT STS pacing
/// (<see cref="SessionCacheOptions.StsRequestsPerSecond"/>, <see cref="SessionCacheOptions.StsRequestBurst"/>), on the
/// bench's fast manual clock and the in-process fake STS, which stamps every call with the simulated moment. The clock
/// moves in 10 ms steps; after each step the driver waits until every permit granted so far has made its STS call, so a
/// call is stamped with the step its permit was granted in. Held sessions (the hub and a few profiles of their own)
/// come due for refresh during the warm-up; after every step each one's remaining lifetime is checked against its
/// <see cref="RefreshOptions.MinimumLifetime"/>.
/// </summary>
/// <remarks>
/// Not <c>FakeTimeProvider</c>: it finds the next timer by scanning all of them, and 100,000 warm tenants arm 100,000
/// refresh timers, so 100,000 steps would cost 10^10 timer visits. <see cref="FastManualTimeProvider"/> keeps timers in a
/// priority queue, which is what the other simulations on many timers use.
/// </remarks>
internal static class PacedWarmUp
{
    private const int HeldProfiles = 4;
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    // Held profiles refresh 5 minutes ahead of expiry (t0 + 55 min) and drop below their 1-minute minimum at t0 + 59 min.
    private static readonly TimeSpan HeldRefreshAhead = TimeSpan.FromMinutes(5);

    public static Task<WarmUpResult> RunAsync(int tenants) =>
        // The driver spins between steps; a thread of its own keeps it off the thread pool that runs the refreshes.
        Task.Factory.StartNew(() => Run(tenants), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static WarmUpResult Run(int tenants)
    {
        var clock = new FastManualTimeProvider(Start);
        var defaults = new SessionCacheOptions();
        var rate = defaults.StsRequestsPerSecond;
        var burst = defaults.StsRequestBurst;
        var expected = TimeSpan.FromSeconds((double)tenants / rate);
        var limit = expected * 3 + TimeSpan.FromMinutes(2);
        var ticks = new int[(int)(limit / Step) + 2];
        var warmStart = DateTimeOffset.MaxValue;
        var sts = new FakeStsClientFactory(clock)
        {
            OnCall = (now, _) =>
            {
                if (now >= warmStart)
                {
                    Interlocked.Increment(ref ticks[Math.Min(ticks.Length - 1, (int)((now - warmStart).Ticks / Step.Ticks))]);
                }
            },
        };

        // Default pacing: the options are left as they come.
        using var cache = new SessionCache(new SessionCacheOptions { TimeProvider = clock, StsClientFactory = sts, Random = () => 0 });
        var limiter = cache.StsRateLimiter ?? throw new InvalidOperationException("STS pacing is off by default; this run measures the default pacing.");
        using var hub = CredentialProvider.Create(TenantHeapRun.HubOptions(), cache, "tenants-paced-hub");
        var held = new List<ICredentialProvider> { hub };
        for (var i = 0; i < HeldProfiles; i++)
        {
            held.Add(CredentialProvider.Create(TenantHeapRun.HubOptions($"held-{i}", HeldRefreshAhead), cache, $"tenants-held-{i}"));
        }

        foreach (var provider in held)
        {
            _ = provider.GetCredentialsAsync().AsTask().GetAwaiter().GetResult();
        }

        // Start the warm-up so the held profiles' refresh moment (t0 + 55 min) falls half-way through it: their refresh is
        // queued behind first fetches while it is early, and must get ahead of them before t0 + 59 min.
        var start = Start + TimeSpan.FromMinutes(55) - (expected / 2);
        if (start < Start + TimeSpan.FromMinutes(1))
        {
            start = Start + TimeSpan.FromMinutes(1);
        }

        clock.AdvanceTo(start);
        WaitForGrantedCalls(sts, limiter);
        var minimum = new RefreshOptions().MinimumLifetime;
        var refreshesBefore = held.Select(p => p.GetStatus().RefreshCount).ToArray();
        var handles = new ICredentialProvider[tenants];
        for (var i = 0; i < tenants; i++)
        {
            handles[i] = hub.ForRole(TenantHeapRun.Tenant(i));
        }

        var done = new int[1];
        var callsBefore = sts.Calls;
        warmStart = clock.GetUtcNow();
        var warming = new Task[tenants];
        for (var i = 0; i < tenants; i++)
        {
            warming[i] = WarmAsync(handles[i], done);
        }

        var belowMinimum = new bool[held.Count];
        var lowest = TimeSpan.MaxValue;
        var end = warmStart + limit;
        // Until every tenant is warm and every held profile has refreshed: an early refresh waits behind first fetches, so
        // with few tenants it runs just after the warm-up, and it still counts against the pace.
        var warmUpEnd = TimeSpan.Zero;
        while ((Volatile.Read(ref done[0]) < tenants || !AllRefreshed(held, refreshesBefore)) && clock.GetUtcNow() < end)
        {
            clock.Advance(Step);
            WaitForGrantedCalls(sts, limiter);
            var now = clock.GetUtcNow();
            if (warmUpEnd == TimeSpan.Zero && Volatile.Read(ref done[0]) == tenants)
            {
                warmUpEnd = now - warmStart;
            }

            for (var i = 0; i < held.Count; i++)
            {
                if (held[i].GetStatus().Expiration is { } expiration)
                {
                    var remaining = expiration - now;
                    lowest = remaining < lowest ? remaining : lowest;
                    belowMinimum[i] |= remaining < minimum;
                }
            }
        }

        if (warmUpEnd == TimeSpan.Zero && Volatile.Read(ref done[0]) == tenants)
        {
            // The last first fetches completed after the step's check: the warm-up ended in the last step.
            warmUpEnd = clock.GetUtcNow() - warmStart;
        }

        var completed = Volatile.Read(ref done[0]) == tenants && AllRefreshed(held, refreshesBefore);
        var calls = sts.Calls - callsBefore;
        var heldRefreshes = (int)held.Select((p, i) => p.GetStatus().RefreshCount - refreshesBefore[i]).Sum();
        var perSecond = new int[(ticks.Length / 100) + 1];
        for (var i = 0; i < ticks.Length; i++)
        {
            perSecond[i / 100] += ticks[i];
        }

        // Any window of one second (100 steps), not only whole seconds counted from the start.
        int window = 0, sliding = 0;
        for (var i = 0; i < ticks.Length; i++)
        {
            window += ticks[i] - (i >= 100 ? ticks[i - 100] : 0);
            sliding = Math.Max(sliding, window);
        }

        foreach (var handle in handles)
        {
            handle.Dispose();
        }

        foreach (var provider in held)
        {
            provider.Dispose();
        }

        return new WarmUpResult(tenants, rate, burst, completed, warmUpEnd, clock.GetUtcNow() - warmStart, calls, perSecond.Max(), sliding, held.Count,
            heldRefreshes, belowMinimum.Count(b => b), lowest);
    }

    // The hub (index 0) refreshes 15 minutes ahead, before or during the warm-up; the held profiles 5 minutes ahead.
    private static bool AllRefreshed(List<ICredentialProvider> held, long[] before)
    {
        for (var i = 1; i < held.Count; i++)
        {
            if (held[i].GetStatus().RefreshCount == before[i])
            {
                return false;
            }
        }

        return true;
    }

    private static async Task WarmAsync(ICredentialProvider handle, int[] done)
    {
        _ = await handle.GetCredentialsAsync().ConfigureAwait(false);
        Interlocked.Increment(ref done[0]);
    }

    /// <summary>
    /// Spins until every permit the limiter granted has reached the fake STS and no work is queued on the thread pool:
    /// each call then carries the simulated moment its permit was granted at, and the next step finds a settled state.
    /// </summary>
    private static void WaitForGrantedCalls(FakeStsClientFactory sts, StsRateLimiter limiter)
    {
        var spin = new SpinWait();
        while (sts.Calls < limiter.Granted || ThreadPool.PendingWorkItemCount > 0)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }
}
