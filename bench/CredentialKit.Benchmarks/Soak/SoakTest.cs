using System.Diagnostics;
using CredentialKit.Benchmarks.Infrastructure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;

namespace CredentialKit.Benchmarks.Soak;

/// <summary>
/// Suite 6: <c>--cycles</c> refresh cycles (default 1,000,000) on a handful of providers over the fast manual clock and
/// the in-process STS. Odd rounds let the background timer refresh each session (the clock jumps to the next refresh
/// moment); even rounds call Invalidate + GetCredentialsAsync. Managed memory, handles, threads and armed timers are
/// read after a warm-up and at the end: a leak of sessions, timers, tasks or cache entries shows as growth.
/// </summary>
internal static class SoakTest
{
    private const int Providers = 4;

    public static async Task<int> RunAsync(long cycles)
    {
        Console.WriteLine($"## Soak: {cycles:N0} refresh cycles over {Providers} providers (fast manual clock, in-process STS)");
        Console.WriteLine();

        var clock = new FastManualTimeProvider(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));
        var sts = new FakeStsClientFactory(clock);
        var providers = new ICredentialProvider[Providers];
        var memories = new ReasonRecordingCache[Providers];
        var caches = new SessionCache[Providers];
        var evictions = 0;
        for (var i = 0; i < Providers; i++)
        {
            var options = new CredentialKitProfileOptions();
            options.Source.Type = SourceCredentialsType.Static;
            options.Source.AccessKeyId = "AKIASOAKTEST00000001";
            options.Source.SecretAccessKey = "soakTestSecretKey/NotARealSecret000000001";
            options.Roles.Add(new AssumeRoleOptions { RoleArn = $"arn:aws:iam::111122223333:role/soak-{i}", RoleSessionName = "soak", Duration = TimeSpan.FromHours(1) });
            options.Sts.Region = "us-east-1";
            var memory = new ReasonRecordingCache(new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024, Clock = new ManualSystemClock(clock) }))
            {
                Describe = () => $"now {clock.GetUtcNow():O}",
            };
            memories[i] = memory;
            caches[i] = new SessionCache(new SessionCacheOptions { TimeProvider = clock, StsClientFactory = sts, MemoryCache = memory });
            caches[i].Evicted += (session, _) =>
            {
                Interlocked.Increment(ref evictions);
                if (Environment.GetEnvironmentVariable("SOAK_DEBUG") is not null)
                {
                    Console.WriteLine($"evicted: now {clock.GetUtcNow():O} expiration {session.CurrentCredentials?.Expiration:O}");
                }
            };
            providers[i] = CredentialProvider.Create(options, caches[i], $"soak-{i}");
            _ = await providers[i].GetCredentialsAsync();
        }

        var sessions = providers.Select(p => ((ChainedCredentialProvider)p).Session).ToArray();
        var warmup = Math.Min(cycles / 10, 20_000);
        await RunCyclesAsync(warmup, clock, sts, providers, sessions);
        var start = Measure(clock, sts, caches, evictions);
        var wall = Stopwatch.StartNew();
        await RunCyclesAsync(cycles, clock, sts, providers, sessions);
        wall.Stop();
        var end = Measure(clock, sts, caches, evictions);

        var table = new MarkdownTable("When", "Refresh cycles done", "Managed memory (GC.GetTotalMemory(true))", "Handles", "Threads", "Armed timers", "Timer queue length", "Timers created", "Sessions cached", "Sessions evicted");
        table.Add("start (after warm-up)", start.Calls.ToString("N0"), $"{start.Memory / 1024.0:N0} KiB", start.Handles, start.Threads, start.ActiveTimers, start.QueueLength, start.TimersCreated.ToString("N0"), start.Sessions, start.Evictions);
        table.Add("end", end.Calls.ToString("N0"), $"{end.Memory / 1024.0:N0} KiB", end.Handles, end.Threads, end.ActiveTimers, end.QueueLength, end.TimersCreated.ToString("N0"), end.Sessions, end.Evictions);
        table.Print();

        var growth = end.Memory - start.Memory;
        Console.WriteLine($"// {cycles:N0} cycles in {wall.Elapsed.TotalSeconds:0.0} s ({cycles / wall.Elapsed.TotalSeconds:N0} refreshes/s); " +
            $"managed memory growth {growth / 1024.0:N0} KiB; simulated time {clock.GetUtcNow() - new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero):%d} days");
        foreach (var provider in providers)
        {
            provider.Dispose();
        }

        foreach (var cache in caches)
        {
            cache.Dispose();
        }

        var reasons = memories.SelectMany(m => m.Reasons).GroupBy(kv => kv.Key).Select(g => $"{g.Key} {g.Sum(kv => kv.Value):N0}");
        Console.WriteLine($"// memory-cache entries removed, by reason: {string.Join(", ", reasons)}");
        Console.WriteLine($"// after disposing the providers: armed timers {clock.ActiveTimerCount}");
        var leak = end.ActiveTimers != start.ActiveTimers || clock.ActiveTimerCount != 0 || growth > 1024 * 1024;
        return leak ? 1 : 0;
    }

    private static async Task RunCyclesAsync(long cycles, FastManualTimeProvider clock, FakeStsClientFactory sts, ICredentialProvider[] providers, RefreshingSession[] sessions)
    {
        var target = sts.Calls + cycles;
        var round = 0L;
        var roundsWithoutTimer = 0L;
        while (sts.Calls < target)
        {
            if ((round++ & 1) == 0)
            {
                // Timer-driven: jump to the earliest refresh moment; the timer starts the refresh on the thread pool.
                if (clock.NextDue() is not { } due)
                {
                    // No background timer armed (for example a session the cache evicted and the provider re-created):
                    // nothing to fire; the Invalidate round below still refreshes every provider.
                    roundsWithoutTimer++;
                    continue;
                }

                while (clock.FireNext(due, out var state))
                {
                    if (state is RefreshingSession session)
                    {
                        await session.TelemetrySink.WhenIdleAsync();
                    }
                }
            }
            else
            {
                foreach (var provider in providers)
                {
                    provider.Invalidate();
                    _ = await provider.GetCredentialsAsync();
                }
            }
        }

        foreach (var session in sessions)
        {
            await session.TelemetrySink.WhenIdleAsync();
        }

        if (roundsWithoutTimer > 0)
        {
            Console.WriteLine($"// {roundsWithoutTimer:N0} timer rounds found no armed refresh timer");
        }
    }

    private static Snapshot Measure(FastManualTimeProvider clock, FakeStsClientFactory sts, SessionCache[] caches, int evictions)
    {
        // Let eviction callbacks queued by MemoryCache finish before counting.
        Thread.Sleep(200);
        var memory = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return new Snapshot(sts.Calls, memory, process.HandleCount, process.Threads.Count, clock.ActiveTimerCount, clock.QueueLength, clock.TimersCreated, caches.Sum(c => c.Count), evictions);
    }

    private sealed record Snapshot(long Calls, long Memory, int Handles, int Threads, int ActiveTimers, int QueueLength, long TimersCreated, int Sessions, int Evictions);
}

internal sealed class ManualSystemClock(TimeProvider time) : ISystemClock
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
