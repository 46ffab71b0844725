using System.Diagnostics;
using CredentialKit.Benchmarks.Infrastructure;

namespace CredentialKit.Benchmarks.Fleet;

/// <summary>Settings of one fleet run.</summary>
internal sealed record FleetSettings(int Processes, TimeSpan StartWindow, TimeSpan Duration, double JitterFraction, int SampledCalls, int Seed);

/// <summary>What one fleet run measured.</summary>
internal sealed record FleetResult(
    FleetSettings Settings,
    long StsCalls,
    long InitialCalls,
    int PeakPerSecond,
    int PeakRefreshPerSecond,
    int PeakRefreshPerSecondAfterFirstHour,
    double MeanPerSecond,
    double MeanRefreshPerSecond,
    int SecondsOverQuota,
    int Samples,
    int BelowMinimumLifetime,
    TimeSpan LowestRemaining,
    int Evictions,
    TimeSpan WallTime);

/// <summary>
/// Suite 5: <see cref="FleetSettings.Processes"/> simulated processes, all started within <see cref="FleetSettings.StartWindow"/>,
/// each a real CredentialKit provider with its own <see cref="SessionCache"/> (default refresh settings, background
/// refresh on, 1-hour sessions) on one shared manual clock, against an in-process STS that notes the simulated second
/// of every call. The clock jumps from event to event (a refresh timer, a process start, a sampled caller) and after
/// each one waits for the refresh it set off, so every STS call is stamped with the exact simulated moment.
/// </summary>
internal static class FleetSimulation
{
    public const int AccountQuotaPerSecond = 600;
    private static readonly DateTimeOffset SimulationStart = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    public static async Task<FleetResult> RunAsync(FleetSettings settings)
    {
        var wall = Stopwatch.StartNew();
        var clock = new FastManualTimeProvider(SimulationStart);
        var seconds = (int)Math.Ceiling(settings.Duration.TotalSeconds) + 1;
        var perSecond = new int[seconds];
        var refreshPerSecond = new int[seconds];
        long initial = 0;
        var sts = new FakeStsClientFactory(clock)
        {
            OnCall = (now, first) =>
            {
                var second = (int)Math.Min(seconds - 1, (now - SimulationStart).Ticks / TimeSpan.TicksPerSecond);
                Interlocked.Increment(ref perSecond[second]);
                if (first)
                {
                    Interlocked.Increment(ref initial);
                }
                else
                {
                    Interlocked.Increment(ref refreshPerSecond[second]);
                }
            },
        };

        var random = new Random(settings.Seed);
        var minimumLifetime = new RefreshOptions().MinimumLifetime;
        var providers = new ICredentialProvider[settings.Processes];
        var caches = new SessionCache[settings.Processes];
        var evictions = 0;
        for (var i = 0; i < providers.Length; i++)
        {
            // One cache per process, as each process has its own; created here (not by the provider) to count evictions.
            caches[i] = new SessionCache(new SessionCacheOptions
            {
                TimeProvider = clock,
                StsClientFactory = sts,
                Random = null, // the real Random.Shared, as in production
            });
            caches[i].Evicted += (_, _) => Interlocked.Increment(ref evictions);
            providers[i] = CredentialProvider.Create(Profile(settings.JitterFraction), caches[i], $"process-{i}");
        }

        // Events other than timers: each process starts (its first GetCredentialsAsync) at a random moment of the start
        // window; sampled callers ask a random process at random moments of the whole run.
        var starts = Enumerable.Range(0, settings.Processes)
            .Select(i => (At: SimulationStart + TimeSpan.FromTicks((long)(random.NextDouble() * settings.StartWindow.Ticks)), Process: i))
            .OrderBy(e => e.At)
            .ToArray();
        var samples = Enumerable.Range(0, settings.SampledCalls)
            .Select(_ => (At: SimulationStart + TimeSpan.FromTicks((long)(random.NextDouble() * settings.Duration.Ticks)), Process: random.Next(settings.Processes)))
            .OrderBy(e => e.At)
            .ToArray();
        var end = SimulationStart + settings.Duration;
        int nextStart = 0, nextSample = 0, belowMinimum = 0, sampled = 0;
        var lowest = TimeSpan.MaxValue;

        while (true)
        {
            var timerDue = clock.NextDue() ?? DateTimeOffset.MaxValue;
            var startDue = nextStart < starts.Length ? starts[nextStart].At : DateTimeOffset.MaxValue;
            var sampleDue = nextSample < samples.Length ? samples[nextSample].At : DateTimeOffset.MaxValue;
            var next = Min(timerDue, Min(startDue, sampleDue));
            if (next > end)
            {
                break;
            }

            if (next == timerDue)
            {
                // A refresh timer: it starts a refresh on the thread pool; wait for it before time moves on.
                if (clock.FireNext(next, out var state) && state is RefreshingSession session)
                {
                    await session.TelemetrySink.WhenIdleAsync();
                }
            }
            else if (next == startDue)
            {
                clock.AdvanceTo(next);
                var provider = providers[starts[nextStart++].Process];
                _ = await provider.GetCredentialsAsync();
            }
            else
            {
                clock.AdvanceTo(next);
                var provider = providers[samples[nextSample++].Process];
                if (!StartedBy(provider, starts, nextStart))
                {
                    continue; // that process has not started yet
                }

                var credentials = await provider.GetCredentialsAsync();
                var remaining = credentials.Expiration - clock.GetUtcNow();
                sampled++;
                if (remaining < minimumLifetime)
                {
                    belowMinimum++;
                }

                if (remaining < lowest)
                {
                    lowest = remaining;
                }

                // A caller inside the refresh-ahead window starts a refresh; let it finish before time moves on.
                await ((ChainedCredentialProvider)provider).Session.TelemetrySink.WhenIdleAsync();
            }
        }

        for (var i = 0; i < providers.Length; i++)
        {
            providers[i].Dispose();
            caches[i].Dispose();
        }

        var firstHour = (int)TimeSpan.FromHours(1).TotalSeconds;
        var activeSeconds = Math.Max(1, seconds - 1);
        return new FleetResult(
            settings,
            sts.Calls,
            initial,
            perSecond.Max(),
            refreshPerSecond.Max(),
            refreshPerSecond.Skip(firstHour).DefaultIfEmpty(0).Max(),
            sts.Calls / (double)activeSeconds,
            (sts.Calls - initial) / (double)activeSeconds,
            perSecond.Count(c => c > AccountQuotaPerSecond),
            sampled,
            belowMinimum,
            lowest,
            evictions,
            wall.Elapsed);
    }

    public static void Print(IReadOnlyList<FleetResult> results)
    {
        var table = new MarkdownTable(
            "Jitter", "STS calls (first fetches)", "Mean req/s", "Peak req/s (all)", "Peak/mean (all)",
            "Peak req/s (refreshes, after hour 1)", "Peak/mean (refreshes)", "Seconds over 600/s", "Sampled calls",
            "< MinimumLifetime", "Lowest remaining", "Sessions evicted", "Wall time");
        foreach (var r in results)
        {
            table.Add(
                r.Settings.JitterFraction == 0 ? "off (0)" : $"on ({r.Settings.JitterFraction})",
                $"{r.StsCalls:N0} ({r.InitialCalls:N0})",
                r.MeanPerSecond.ToString("0.00"),
                r.PeakPerSecond,
                (r.PeakPerSecond / r.MeanPerSecond).ToString("0"),
                r.PeakRefreshPerSecondAfterFirstHour,
                (r.PeakRefreshPerSecondAfterFirstHour / r.MeanRefreshPerSecond).ToString("0"),
                r.SecondsOverQuota,
                r.Samples.ToString("N0"),
                r.BelowMinimumLifetime,
                r.LowestRemaining == TimeSpan.MaxValue ? "-" : r.LowestRemaining.ToString(@"mm\:ss"),
                r.Evictions,
                $"{r.WallTime.TotalSeconds:0.0} s");
        }

        table.Print();
    }

    private static CredentialKitProfileOptions Profile(double jitterFraction)
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = "AKIAFLEETSIMULATION1";
        options.Source.SecretAccessKey = "fleetSimulationSecretKey/NotARealSecret01";
        options.Roles.Add(new AssumeRoleOptions
        {
            RoleArn = "arn:aws:iam::111122223333:role/fleet",
            RoleSessionName = "fleet",
            Duration = TimeSpan.FromHours(1),
        });
        options.Sts.Region = "us-east-1";
        options.Refresh.JitterFraction = jitterFraction;
        return options;
    }

    private static bool StartedBy(ICredentialProvider provider, (DateTimeOffset At, int Process)[] starts, int startedCount) =>
        startedCount >= starts.Length || ((ChainedCredentialProvider)provider).Session.CurrentCredentials is not null;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
