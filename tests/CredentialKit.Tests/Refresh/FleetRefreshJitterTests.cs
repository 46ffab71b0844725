using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Refresh;

/// <summary>
/// Issue #21 item 1: a shared hop's refresh jitter is drawn from its fleet key (the same in every process) with a bounded
/// per-process spread around it, and never moves a refresh past the minimum-lifetime point.
/// </summary>
public class FleetRefreshJitterTests
{
    private const string Key = "ckf1:0123456789ABCDEF0123456789ABCDEF";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    [Fact]
    public void FleetOffset_SameKey_IsTheSameValueInEveryProcess()
    {
        // Pinned: SHA-256 of the key, not string.GetHashCode (randomized per process) or any per-process seed. The value
        // was computed outside .NET (Python's hashlib), so a process of another runtime agrees too.
        Assert.Equal(0.4598457910665391, FleetRefreshJitter.FleetOffset(Key));
        Assert.Equal(FleetRefreshJitter.FleetOffset(Key), FleetRefreshJitter.FleetOffset(new string(Key.ToCharArray())));
    }

    [Fact]
    public void FleetOffset_DifferentKeys_SpreadOverTheWholeRange()
    {
        var deciles = new int[10];
        for (var i = 0; i < 5_000; i++)
        {
            var offset = FleetRefreshJitter.FleetOffset($"ckf1:tenant-{i}");
            Assert.InRange(offset, 0, 1 - double.Epsilon);
            deciles[(int)(offset * 10)]++;
        }

        // 500 expected per decile; binomial standard deviation about 21, so ±100 is far outside chance.
        Assert.All(deciles, count => Assert.InRange(count, 400, 600));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(0.9999999)]
    public void Draw_AnyProcessRandom_StaysWithinTheSpreadAroundTheFleetCentre(double offset)
    {
        var centre = FleetRefreshJitter.ProcessSpread + (offset * (1 - (2 * FleetRefreshJitter.ProcessSpread)));
        foreach (var processRandom in new[] { 0.0, 0.25, 0.5, 0.75, 0.9999999 })
        {
            var draw = FleetRefreshJitter.Draw(offset, processRandom);
            Assert.InRange(draw, 0, 1);
            Assert.InRange(draw, centre - FleetRefreshJitter.ProcessSpread - 1e-12, centre + FleetRefreshJitter.ProcessSpread + 1e-12);
        }

        // Processes do wake at different moments: the extremes are the whole spread apart.
        Assert.Equal(2 * FleetRefreshJitter.ProcessSpread, FleetRefreshJitter.Draw(offset, 0.9999999) - FleetRefreshJitter.Draw(offset, 0), 6);
    }

    [Fact]
    public void Plan_SameKeyInTwoProcesses_RefreshMomentsCloseTogether_DifferentKeysSpreadOverTheWindow()
    {
        var settings = Settings();
        var now = ClockReading.Now(new ManualTimeProvider());
        TimeSpan RefreshIn(string key, double processRandom)
        {
            var schedule = new RefreshSchedule(settings, () => 0.5, FleetRefreshJitter.For(key, () => processRandom));
            return schedule.Plan(Session(now), new SessionTiming(Deadline.After(now, Lifetime), TimeSpan.Zero), now).RefreshAt.RemainingAt(now);
        }

        // Default window 15 min, minimum lifetime 1 min, jitter 0.5: the range is 7 min; the process spread ±21 s of it.
        var jitterRange = (TimeSpan.FromMinutes(15) - settings.MinimumLifetime) * settings.JitterFraction;
        var processWidth = jitterRange * (2 * FleetRefreshJitter.ProcessSpread);
        Assert.InRange(RefreshIn(Key, 0.9999) - RefreshIn(Key, 0), processWidth - TimeSpan.FromMilliseconds(50), processWidth);

        var moments = Enumerable.Range(0, 200).Select(i => RefreshIn($"ckf1:role-{i}", 0.5)).ToList();
        Assert.True(moments.Max() - moments.Min() > jitterRange * 0.8, $"roles spread over {moments.Max() - moments.Min()} of {jitterRange}");
        Assert.All(moments, m => Assert.InRange(m, Lifetime - TimeSpan.FromMinutes(15), Lifetime - settings.MinimumLifetime));
    }

    [Fact]
    public void Plan_ExtremeDraws_NeverPastTheMinimumLifetimePoint()
    {
        var settings = Settings() with { JitterFraction = 1, RefreshAhead = TimeSpan.FromMinutes(30) };
        var now = ClockReading.Now(new ManualTimeProvider());
        foreach (var draw in new[] { 0.0, 1.0, 1.5, -0.5 })
        {
            var schedule = new RefreshSchedule(settings, () => 0.5, () => draw);
            var planned = schedule.Plan(Session(now), new SessionTiming(Deadline.After(now, Lifetime), TimeSpan.Zero), now);
            Assert.True(planned.RefreshAt.RemainingAt(now) <= planned.UsableUntil.RemainingAt(now), $"draw {draw}");
            Assert.True(planned.RefreshAt.RemainingAt(now) >= TimeSpan.FromMinutes(30), $"draw {draw}");
        }
    }

    [Theory]
    [InlineData(-20)]
    [InlineData(30)]
    public async Task SharedHop_TimersEarlyOrLate_NeverBelowMinimumLifetime_OneRefreshPerCycle(int timerErrorSeconds)
    {
        var fixture = new AdversarialFixture();
        var seed = new Random(21);
        fixture.JitterSource = () => seed.NextDouble();
        fixture.Local.TimerError = due => timerErrorSeconds < 0 && due < TimeSpan.FromSeconds(-timerErrorSeconds) ? -(due / 2) : TimeSpan.FromSeconds(timerErrorSeconds);
        var options = AdversarialFixture.Profile();
        options.Refresh.JitterFraction = 0.5;
        var cacheOptions = fixture.CacheOptions();
        var store = new FakeSharedSessionStore(fixture.Local);
        cacheOptions.SharedStore = store;
        await using var cache = new SessionCache(cacheOptions);
        await using var provider = CredentialProvider.Create(options, cache, "fleet");
        await provider.GetCredentialsAsync();
        var session = ProviderFixture.SessionOf(provider);
        Assert.True(store.Count("lease") >= 1, "the hop is shared through the store");

        await fixture.RunAsync(TimeSpan.FromHours(4), TimeSpan.FromSeconds(15), [provider], async () =>
        {
            var credentials = await provider.GetCredentialsAsync();
            Assert.True(credentials.Expiration - fixture.TrueTime.GetUtcNow() >= options.Refresh.MinimumLifetime, session.DescribeSchedule());
        });

        // 1-hour sessions, refreshed between 45 and 52 minutes: 4 or 5 refreshes after the first fetch in 4 hours.
        Assert.InRange(fixture.Sts.CallCount, 1 + 4, 1 + 6);
    }

    private static RefreshSettings Settings() => RefreshSettings.From(new RefreshOptions());

    private static SessionCredentials Session(ClockReading now) =>
        new("ASIAFLEETJITTER", "secret", "token", now.Wall + Lifetime);
}
