using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CredentialKit.Tests.Helpers;
using Xunit.Abstractions;

namespace CredentialKit.Tests.Refresh;

/// <summary>
/// Issue #23.1: the local clocks jump while a session is held. The wall clock steps back (an NTP step, a VM restored
/// from a snapshot) or forward, and the machine suspends (the wall clock moves on, the timestamp and the timers stand
/// still). STS, the stub, judges every session on true time; no read may get less than the minimum lifetime in it.
/// </summary>
public class ClockJumpTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Minimum = TimeSpan.FromSeconds(10);

    private readonly AdversarialFixture _fixture = new();

    private ICredentialProvider Create(TimeSpan lifetime, string? profileName = "test")
    {
        _fixture.Sts.Lifetime = lifetime;
        var options = AdversarialFixture.Profile();
        options.Refresh.MinimumLifetime = Minimum;
        return _fixture.Create(options, profileName);
    }

    /// <summary>Reads every <paramref name="step"/> for <paramref name="total"/>; fails on any read below the minimum in true time.</summary>
    private async Task<int> ReadAsync(ICredentialProvider provider, TimeSpan total, TimeSpan step, string describe = "")
    {
        var reads = 0;
        await _fixture.RunAsync(total, step, [provider], async () =>
        {
            var credentials = await provider.GetCredentialsAsync();
            reads++;
            var left = credentials.Expiration - _fixture.TrueTime.GetUtcNow();
            Assert.True(left >= Minimum, $"read {reads} got {left} left in true time {describe}; {ProviderFixture.SessionOf(provider).DescribeSchedule()}");
        });
        return reads;
    }

    [Theory]
    [InlineData(120)]
    [InlineData(1200)]
    public async Task WallClockStepsBack_WhileHeld_RefreshesOnTrueTimeAndNeverHandsOutBelowMinimum(int stepBackSeconds)
    {
        // The run: 60 s sessions, 10 s minimum, the clock stepped back 20 s in. Before the fix 9,650 of 19,170
        // reads were below the minimum and only 2 AssumeRole calls were made in 100 s.
        await using var provider = Create(TimeSpan.FromSeconds(60));
        await provider.GetCredentialsAsync();
        await ReadAsync(provider, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(250));

        _fixture.Local.StepWallClock(TimeSpan.FromSeconds(-stepBackSeconds));
        await ReadAsync(provider, TimeSpan.FromSeconds(80), TimeSpan.FromMilliseconds(250));

        // One refresh per half lifetime on true time: 100 s of 60 s sessions is about four, not two (nor a storm).
        Assert.InRange(_fixture.Sts.CallCount, 4, 6);
    }

    [Fact]
    public async Task WallClockStepsBack_HourSession_StatusAndGaugeReportTrueRemainingNotFresh()
    {
        var profile = $"step-{Guid.NewGuid():N}"; // the meter is process-wide
        var remaining = new ConcurrentQueue<(double Value, string? Profile)>();
        using var listener = RemainingLifetimeListener(remaining);
        await using var provider = Create(TimeSpan.FromHours(1), profile);
        await provider.GetCredentialsAsync();

        // 50 minutes in (with the background refresh held off by a failing STS, to keep the old session), step back 20 min.
        _fixture.Sts.EnqueueError("ServiceUnavailable", System.Net.HttpStatusCode.ServiceUnavailable, times: 1000);
        _fixture.TrueTime.Advance(TimeSpan.FromMinutes(50));
        await AdversarialFixture.SettleAsync([provider]);
        _fixture.Local.StepWallClock(TimeSpan.FromMinutes(-20));

        var status = provider.GetStatus();
        var trueLeft = TimeSpan.FromMinutes(10);
        Assert.NotEqual(CredentialProviderState.Fresh, status.State);
        Assert.InRange(status.RemainingLifetime!.Value, trueLeft - TimeSpan.FromSeconds(2), trueLeft);
        listener.RecordObservableInstruments();
        var gauge = Assert.Single(remaining, m => m.Profile == profile);
        Assert.InRange(gauge.Value, trueLeft.TotalSeconds - 2, trueLeft.TotalSeconds);
    }

    [Fact]
    public async Task WallClockStepsForward_WhileHeld_RefreshesEarlyOnceNoStorm()
    {
        await using var provider = Create(TimeSpan.FromSeconds(60));
        await provider.GetCredentialsAsync();
        await ReadAsync(provider, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(250));

        _fixture.Local.StepWallClock(TimeSpan.FromSeconds(45));
        await ReadAsync(provider, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(250));

        // The held session looks 45 s older: one early refresh, then every new session is planned on the new reading.
        Assert.InRange(_fixture.Sts.CallCount, 4, 7);
        Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
    }

    [Theory]
    [InlineData(25)]
    [InlineData(45)]
    [InlineData(600)]
    public async Task Suspend_WallMovesTimestampDoesNot_FirstReadAfterResumeNeverBelowMinimum(int suspendSeconds)
    {
        // A monotonic clock alone would call the session as old as before the suspend: the wall clock knows better.
        await using var provider = Create(TimeSpan.FromSeconds(60));
        await provider.GetCredentialsAsync();
        await ReadAsync(provider, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(250));

        _fixture.Local.SuspendTimestamp(TimeSpan.FromSeconds(suspendSeconds));
        _fixture.TrueTime.Advance(TimeSpan.FromSeconds(suspendSeconds));

        var credentials = await provider.GetCredentialsAsync();
        Assert.True(credentials.Expiration - _fixture.TrueTime.GetUtcNow() >= Minimum);
        await ReadAsync(provider, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
    }

    [Fact]
    public async Task StepBackThenSuspend_BothCounted_NeverBelowMinimumAndJumpLogged()
    {
        // After the step back neither clock alone sees the suspend that follows: the wall clock is 25 min behind its
        // plan and the timestamp stood still. Re-planning at the first read after the step makes the suspend count.
        await using var provider = Create(TimeSpan.FromSeconds(60));
        await provider.GetCredentialsAsync();
        await ReadAsync(provider, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(250));

        _fixture.Local.StepWallClock(TimeSpan.FromMinutes(-25));
        await ReadAsync(provider, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(250));
        _fixture.Local.SuspendTimestamp(TimeSpan.FromSeconds(50));
        _fixture.TrueTime.Advance(TimeSpan.FromSeconds(50));

        var credentials = await provider.GetCredentialsAsync();
        Assert.True(credentials.Expiration - _fixture.TrueTime.GetUtcNow() >= Minimum);
        var jumps = _fixture.Logs.WithEventId(32).ToList();
        Assert.Equal(2, jumps.Count);
        Assert.All(jumps, jump => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, jump.Level));
        Assert.Contains("moved -00:25:00 against", jumps[0].Message, StringComparison.Ordinal);
        Assert.Contains("moved 00:00:50 against", jumps[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suspend_NoCaller_HeldSessionStatusSaysBelowMinimumAtOnce()
    {
        _fixture.Sts.Lifetime = TimeSpan.FromSeconds(60);
        await using var provider = Create(TimeSpan.FromSeconds(60));
        await provider.GetCredentialsAsync();

        _fixture.Local.SuspendTimestamp(TimeSpan.FromSeconds(55));
        _fixture.TrueTime.Advance(TimeSpan.FromSeconds(55));

        // Timers are still asleep (they fire 55 s late); the status reads the wall clock too.
        var status = provider.GetStatus();
        Assert.Equal(CredentialProviderState.BelowMinimumLifetime, status.State);
        Assert.InRange(status.RemainingLifetime!.Value.TotalSeconds, 3, 5);
    }

    [Fact]
    public async Task RandomizedClockJumps_NoReadBelowMinimumInTrueTime_NoStorm()
    {
        var seed = TestSeed.Next(output);
        var random = new Random(seed);
        _fixture.JitterSource = () => { lock (random) { return random.NextDouble(); } };
        _fixture.Local.TimerError = AdversarialTimeProvider.RandomError(new Random(seed + 1), early: TimeSpan.FromSeconds(3), late: TimeSpan.FromSeconds(1));
        await using var provider = Create(TimeSpan.FromSeconds(60));
        await provider.GetCredentialsAsync();

        var jumps = 0;
        var trueElapsed = TimeSpan.Zero;
        for (var round = 0; round < 60; round++)
        {
            var describe = $"(CREDENTIALKIT_SEED={seed}, round {round})";
            var quiet = TimeSpan.FromSeconds(random.Next(1, 40));
            await ReadAsync(provider, quiet, TimeSpan.FromMilliseconds(500), describe);
            trueElapsed += quiet;
            switch (random.Next(3))
            {
                case 0:
                    _fixture.Local.StepWallClock(TimeSpan.FromSeconds(-random.Next(1, 1500)));
                    break;
                case 1:
                    _fixture.Local.StepWallClock(TimeSpan.FromSeconds(random.Next(1, 120)));
                    break;
                default:
                    var suspend = TimeSpan.FromSeconds(random.Next(1, 300));
                    _fixture.Local.SuspendTimestamp(suspend);
                    _fixture.TrueTime.Advance(suspend);
                    trueElapsed += suspend;
                    break;
            }

            jumps++;
        }

        // About one call per 30 s of true time (half a lifetime), plus at most one per jump.
        var cycles = (int)(trueElapsed.TotalSeconds / 30);
        Assert.True(_fixture.Sts.CallCount <= cycles + jumps + 2, $"{_fixture.Sts.CallCount} STS calls for {cycles} cycles and {jumps} jumps (CREDENTIALKIT_SEED={seed})");
    }

    private static MeterListener RemainingLifetimeListener(ConcurrentQueue<(double Value, string? Profile)> seen)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "CredentialKit" && instrument.Name == "credentialkit.session.remaining_lifetime")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, v, tags, _) =>
        {
            string? profile = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "credentialkit.profile")
                {
                    profile = tag.Value as string;
                }
            }

            seen.Enqueue((v, profile));
        });
        listener.Start();
        return listener;
    }
}
