using System.Diagnostics;
using System.Diagnostics.Metrics;
using CredentialKit.Benchmarks.Infrastructure;

namespace CredentialKit.Benchmarks.CacheAbuse;

/// <summary>
/// The figures of issue #10 items 1–3 (<c>docs/benchmarks.md</c>, "Cache under abuse"): timers, gauge series and STS calls
/// when the session cache's size limit is below the working set, when per-request <c>ForRole</c> handles churn, and when
/// callers invalidate concurrently or in a loop. Exits non-zero when a figure breaks the bound the README promises.
/// </summary>
internal static class CacheAbuseSuite
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(int tenants, int loopSeconds)
    {
        Console.WriteLine("## Cache under abuse");
        Console.WriteLine();
        var ok = true;
        ok &= await FullCacheAsync(Math.Max(tenants / 3, 1), sizeLimit: 16);
        ok &= await LiveWorkingSetAsync(tenants, sizeLimit: 256, passes: 3);
        ok &= await PerRequestHandlesAsync(tenants, sizeLimit: 256);
        ok &= await ConcurrentInvalidateAsync(pairs: 200);
        ok &= await LoopingInvalidateAsync(tasks: 50, TimeSpan.FromSeconds(loopSeconds));
        return ok ? 0 : 1;
    }

    /// <summary>Item 1: a full cache and many live tenants, then everything disposed.</summary>
    private static Task<bool> FullCacheAsync(int tenants, int sizeLimit)
    {
        // Run on a thread of its own that then ends, and collect from another: no stack slot (tier-0 code keeps every
        // local alive to the end of its method) can keep a session alive, so one still alive is held by something
        // process-wide.
        ((int Count, int Timers, int Series) Live, (int Count, int Timers, int Series) After, List<WeakReference> Sessions, long Calls) run = default;
        var runner = new Thread(() => run = FullCacheRunAsync(tenants, sizeLimit).GetAwaiter().GetResult());
        runner.Start();
        runner.Join();
        var (live, after, sessions, calls) = run;
        run = default;
        var reachable = 0;
        var collector = new Thread(() =>
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            reachable = sessions!.Count(s => s.IsAlive);
        });
        collector.Start();
        collector.Join();

        Console.WriteLine($"### Item 1: SizeLimit = {sizeLimit}, {tenants:N0} live ForRole tenants");
        Console.WriteLine();
        Console.WriteLine("| | cache.Count | active timers | gauge series | sessions (and cache) reachable |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine($"| all tenants live | {live.Count:N0} | {live.Timers:N0} | {live.Series:N0} | |");
        Console.WriteLine($"| after every handle and the cache are disposed | {after.Count:N0} | {after.Timers:N0} | {after.Series:N0} | {reachable:N0} |");
        Console.WriteLine($"// STS calls: {calls:N0}");
        Console.WriteLine();
        return Task.FromResult(live.Count == tenants + 1 && live.Timers == tenants + 1 && live.Series == tenants + 1
            && after.Count == 0 && after.Timers == 0 && after.Series == 0 && reachable == 0);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<((int Count, int Timers, int Series) Live, (int Count, int Timers, int Series) After, List<WeakReference> Sessions, long Calls)> FullCacheRunAsync(
        int tenants, int sizeLimit)
    {
        var (clock, sts, cache, provider, profile) = Create(sizeLimit, backgroundRefresh: true);
        using var gauge = new GaugeSeriesCounter(profile);
        var handles = Enumerable.Range(0, tenants).Select(i => provider.ForRole(Tenant(i))).ToList();
        foreach (var handle in handles)
        {
            await handle.GetCredentialsAsync();
        }

        var live = (cache.Count, clock.ActiveTimerCount, gauge.Count());
        var sessions = handles.Select(h => new WeakReference(((ChainedCredentialProvider)h).Session)).ToList();
        foreach (var handle in handles)
        {
            handle.Dispose();
        }

        provider.Dispose();
        cache.Dispose();
        sessions.Add(new WeakReference(cache));
        return (live, (cache.Count, clock.ActiveTimerCount, gauge.Count()), sessions, sts.Calls);
    }

    /// <summary>Item 2: more live tenant handles than the size limit, several passes over them.</summary>
    private static async Task<bool> LiveWorkingSetAsync(int tenants, int sizeLimit, int passes)
    {
        var (clock, sts, cache, provider, profile) = Create(sizeLimit, backgroundRefresh: true);
        using var gauge = new GaugeSeriesCounter(profile);
        var handles = Enumerable.Range(0, tenants).Select(i => provider.ForRole(Tenant(i))).ToList();
        Console.WriteLine($"### Item 2: SizeLimit = {sizeLimit}, {tenants:N0} live tenant handles, one pass = one call per tenant");
        Console.WriteLine();
        Console.WriteLine("| pass | AssumeRole calls | active timers | gauge series | cache.Count |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var ok = true;
        for (var pass = 0; pass <= passes; pass++)
        {
            var before = sts.Calls;
            foreach (var handle in handles)
            {
                await handle.GetCredentialsAsync();
            }

            var calls = sts.Calls - before;
            Console.WriteLine($"| {(pass == 0 ? "0 (cold)" : pass.ToString(System.Globalization.CultureInfo.InvariantCulture))} | {calls:N0} | {clock.ActiveTimerCount:N0} | {gauge.Count():N0} | {cache.Count:N0} |");
            ok &= pass == 0 ? calls == tenants + 1 : calls == 0;
            ok &= clock.ActiveTimerCount == tenants + 1;
        }

        foreach (var handle in handles)
        {
            handle.Dispose();
        }

        provider.Dispose();
        await WaitAsync(() => cache.IdleCount <= sizeLimit);
        Console.WriteLine($"| all handles disposed | | {clock.ActiveTimerCount:N0} | {gauge.Count():N0} | {cache.Count:N0} (the idle pool) |");
        ok &= clock.ActiveTimerCount == 0 && gauge.Count() == 0 && cache.Count <= sizeLimit;
        cache.Dispose();
        Console.WriteLine();
        return ok;
    }

    /// <summary>Per-request ForRole handles (created, used once, disposed) over a small and a large tenant set.</summary>
    private static async Task<bool> PerRequestHandlesAsync(int tenants, int sizeLimit)
    {
        Console.WriteLine($"### Per-request ForRole handles, SizeLimit = {sizeLimit}, 10 requests per tenant");
        Console.WriteLine();
        Console.WriteLine("| tenants | requests | AssumeRole calls (tenants) | idle sessions kept | active timers | gauge series |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        var ok = true;
        foreach (var tenantCount in new[] { sizeLimit / 2, tenants })
        {
            var (clock, sts, cache, provider, profile) = Create(sizeLimit, backgroundRefresh: true);
            using var gauge = new GaugeSeriesCounter(profile);
            await provider.GetCredentialsAsync();
            var requests = tenantCount * 10;
            for (var request = 0; request < requests; request++)
            {
                await using var handle = provider.ForRole(Tenant(request % tenantCount));
                await handle.GetCredentialsAsync();
            }

            var calls = sts.Calls - 1;
            await WaitAsync(() => cache.IdleCount <= sizeLimit);
            Console.WriteLine($"| {tenantCount:N0} | {requests:N0} | {calls:N0} | {cache.IdleCount:N0} | {clock.ActiveTimerCount:N0} | {gauge.Count():N0} |");
            ok &= cache.IdleCount <= sizeLimit && clock.ActiveTimerCount == 1 && gauge.Count() == 1;
            ok &= tenantCount > sizeLimit || calls == tenantCount;
            provider.Dispose();
            cache.Dispose();
        }

        Console.WriteLine();
        return ok;
    }

    /// <summary>Item 3: concurrent invalidate + get pairs, plain and with the rejected credentials.</summary>
    private static async Task<bool> ConcurrentInvalidateAsync(int pairs)
    {
        Console.WriteLine($"### Item 3: {pairs} concurrent invalidate + GetCredentialsAsync pairs on one warm session");
        Console.WriteLine();
        Console.WriteLine("| call | STS calls |");
        Console.WriteLine("|---|---:|");
        var ok = true;
        foreach (var rejected in new[] { false, true })
        {
            var (clock, sts, cache, provider, _) = Create(sizeLimit: 16, backgroundRefresh: false);
            var first = await provider.GetCredentialsAsync();
            clock.Advance(TimeSpan.FromMinutes(10));
            var before = sts.Calls;
            await Task.WhenAll(Enumerable.Range(0, pairs).Select(_ => Task.Run(async () =>
            {
                if (rejected)
                {
                    provider.Invalidate(first);
                }
                else
                {
                    provider.Invalidate();
                }

                await provider.GetCredentialsAsync();
            })));
            var calls = sts.Calls - before;
            Console.WriteLine($"| `{(rejected ? "Invalidate(rejected)" : "Invalidate()")}` | {calls} |");
            ok &= calls == 1;
            provider.Dispose();
            cache.Dispose();
        }

        Console.WriteLine();
        return ok;
    }

    /// <summary>Item 3: tasks looping invalidate-and-get on the real clock.</summary>
    private static async Task<bool> LoopingInvalidateAsync(int tasks, TimeSpan duration)
    {
        Console.WriteLine($"### Item 3: {tasks} tasks looping invalidate + GetCredentialsAsync for {duration.TotalSeconds:0} s (real clock, instant STS)");
        Console.WriteLine();
        Console.WriteLine("| call | loop iterations | AssumeRole calls | calls per second |");
        Console.WriteLine("|---|---:|---:|---:|");
        var ok = true;
        foreach (var rejected in new[] { false, true })
        {
            var sts = new CountingStsClientFactory(TimeProvider.System);
            await using var cache = new SessionCache(new SessionCacheOptions { StsClientFactory = sts, PerRoleMetrics = true });
            await using var provider = CredentialProvider.Create(Options(backgroundRefresh: false), cache, "abuse-loop");
            await provider.GetCredentialsAsync();
            var before = sts.Calls;
            var iterations = 0L;
            var wall = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, tasks).Select(_ => Task.Run(async () =>
            {
                while (wall.Elapsed < duration)
                {
                    var credentials = await provider.GetCredentialsAsync();
                    if (rejected)
                    {
                        provider.Invalidate(credentials);
                    }
                    else
                    {
                        provider.Invalidate();
                    }

                    await provider.GetCredentialsAsync();
                    Interlocked.Increment(ref iterations);
                }
            })));
            var seconds = wall.Elapsed.TotalSeconds;
            var calls = sts.Calls - before;
            Console.WriteLine($"| `{(rejected ? "Invalidate(rejected)" : "Invalidate()")}` | {iterations:N0} | {calls:N0} | {calls / seconds:0.0} |");

            // One drop per second of coalescing window, plus one at the start and one for the window in progress at the end.
            ok &= calls <= Math.Ceiling(seconds / SessionCacheDefaults.InvalidateCoalescingWindow.TotalSeconds) + 1;
        }

        Console.WriteLine();
        return ok;
    }

    private static (FastManualTimeProvider Clock, CountingStsClientFactory Sts, SessionCache Cache, ICredentialProvider Provider, string Profile) Create(
        int sizeLimit, bool backgroundRefresh)
    {
        var clock = new FastManualTimeProvider(Start);
        var sts = new CountingStsClientFactory(clock);
        var cache = new SessionCache(new SessionCacheOptions { TimeProvider = clock, StsClientFactory = sts, SizeLimit = sizeLimit, Random = () => 0, PerRoleMetrics = true, StsRequestsPerSecond = 0 });
        var profile = $"abuse-{Guid.NewGuid():N}";
        return (clock, sts, cache, CredentialProvider.Create(Options(backgroundRefresh), cache, profile), profile);
    }

    private static CredentialKitProfileOptions Options(bool backgroundRefresh)
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = "AKIAABUSETEST0000001";
        options.Source.SecretAccessKey = "abuseTestSecretKey/NotARealSecret00000001";
        options.Roles.Add(new AssumeRoleOptions { RoleArn = "arn:aws:iam::111122223333:role/hub", RoleSessionName = "abuse" });
        options.Refresh.BackgroundRefresh = backgroundRefresh;
        options.Sts.Region = "us-east-1";
        return options;
    }

    private static AssumeRoleOptions Tenant(int i) =>
        new() { RoleArn = $"arn:aws:iam::{100000000000 + i}:role/tenant", ExternalId = $"tenant-{i}", RoleSessionName = "abuse" };

    private static async Task WaitAsync(Func<bool> condition)
    {
        // The idle pool's memory cache trims on a thread-pool thread after it refused an entry.
        var wall = Stopwatch.StartNew();
        while (!condition() && wall.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Yield();
        }
    }

    /// <summary>Counts the series of the process-wide remaining-lifetime gauge for one profile name.</summary>
    private sealed class GaugeSeriesCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _count;

        public GaugeSeriesCounter(string profile)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "CredentialKit" && instrument.Name == "credentialkit.session.remaining_lifetime")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "credentialkit.profile" && Equals(tag.Value, profile))
                    {
                        _count++;
                    }
                }
            });
            _listener.Start();
        }

        public int Count()
        {
            _count = 0;
            _listener.RecordObservableInstruments();
            return _count;
        }

        public void Dispose() => _listener.Dispose();
    }
}
