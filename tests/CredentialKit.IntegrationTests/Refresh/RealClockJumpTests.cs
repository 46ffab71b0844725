using System.Diagnostics;
using CredentialKit.IntegrationTests.Helpers;

namespace CredentialKit.IntegrationTests.Refresh;

/// <summary>
/// Issue #23.1 on the real clock: LocalSts on <see cref="TimeProvider.System"/> with 20-second sessions, its clock 20 s
/// ahead of the providers', four readers reading all the time. Mid-run the providers' wall clock steps back 2 minutes
/// (an NTP step, a restored VM), and later LocalSts's <see cref="LocalStsServer.ClockOffset"/> changes (STS's clock is
/// now behind). About 35 s of real time; it asserts outcomes, never durations.
/// </summary>
public sealed class RealClockJumpTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan MinimumLifetime = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task WallClockStepsBackAndStsOffsetChanges_Readers_NeverGetLessThanTheMinimumInStsTime()
    {
        var options = LocalStsOptions.CreateDemo();
        options.SessionLifetimeOverride = Lifetime;
        await using var server = await LocalStsServer.StartNewAsync(options, TimeProvider.System);
        server.ClockOffset = TimeSpan.FromSeconds(20);

        var local = new AdversarialTimeProvider(TimeProvider.System);
        var profile = LocalStsHarness.DemoProfile(server, LocalStsHarness.Hub());
        profile.Refresh.MinimumLifetime = MinimumLifetime;
        await using var provider = CredentialProvider.Create(profile, new SessionCacheOptions { TimeProvider = local }, "jump");
        await provider.GetCredentialsAsync();

        var below = new List<string>();
        var failures = new List<string>();
        var reads = 0;
        using var stop = new CancellationTokenSource();
        async Task ReadAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var credentials = await provider.GetCredentialsAsync();
                    Interlocked.Increment(ref reads);

                    // LocalSts writes Expiration in whole seconds: up to 1 s short of the true figure.
                    var left = credentials.Expiration - server.Now;
                    if (left < MinimumLifetime - TimeSpan.FromSeconds(1))
                    {
                        lock (below)
                        {
                            below.Add($"{left} left at {server.Now:O}");
                        }
                    }
                }
                catch (CredentialRefreshException e)
                {
                    lock (failures)
                    {
                        failures.Add(e.ErrorCode ?? e.GetType().Name);
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20)); // a reading cadence, not a wait for an outcome
            }
        }

        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(ReadAsync)).ToArray();
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(5));
        local.StepWallClock(TimeSpan.FromMinutes(-2));

        // Long enough for the session held at the step to run out in STS's time, had its refresh waited for the wall clock.
        await Task.Delay(TimeSpan.FromSeconds(15));
        server.ClockOffset = TimeSpan.FromSeconds(-20);

        // Long enough for a refresh on STS's new clock (one at least every 13.5 s).
        await Task.Delay(TimeSpan.FromSeconds(15));
        stop.Cancel();
        await Task.WhenAll(readers);
        var ranFor = Stopwatch.GetElapsedTime(started);

        Assert.Empty(failures);
        Assert.True(below.Count == 0, $"{below.Count} of {reads} reads below the minimum in STS's time: {string.Join("; ", below.Take(5))}");
        var status = provider.GetStatus();
        Assert.Equal(CredentialProviderState.Fresh, status.State);

        // STS's clock (machine − 20 s) minus the providers' (machine − 2 min), measured on the latest session.
        Assert.True(status.ClockSkew is { } skew && skew.TotalSeconds is >= 98 and <= 102, $"clock skew {status.ClockSkew}; {((ChainedCredentialProvider)provider).Session.DescribeSchedule()}");

        // 20 s sessions refreshed after at most half their life: a refresh at least every 10 s, at most one per 5 s
        // (the window's jitter), plus one for each clock event, however long the loaded machine took.
        var calls = server.Journal.Snapshot().Count(e => e.Operation == LocalStsHarness.AssumeRole);
        Assert.InRange(calls, 1 + (int)(ranFor / TimeSpan.FromSeconds(10)) - 1, 1 + (int)(ranFor / TimeSpan.FromSeconds(5)) + 2);
    }
}
