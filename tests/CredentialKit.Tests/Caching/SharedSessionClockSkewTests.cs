using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Time.Testing;

namespace CredentialKit.Tests.Caching;

/// <summary>
/// Issue #23.2: processes whose clocks disagree with STS's (and with each other) share sessions through a store that
/// counts the writer's remaining lifetime down (a Redis TTL). Any skew the signature rules allow (±15 min): the writer
/// shares what STS granted, the adopter plans what the store says is left, and neither reads Expiration on its own clock.
/// </summary>
public class SharedSessionClockSkewTests
{
    private const string Hop = "ckf1:0123456789ABCDEF0123456789ABCDEF";
    private static readonly TimeSpan Required = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _trueTime = new(ManualTimeProvider.DefaultStart);
    private readonly FakeSharedSessionStore _store;
    private readonly CapturingLoggerFactory _logs = new();

    public SharedSessionClockSkewTests() => _store = new FakeSharedSessionStore(_trueTime) { CountsDownLifetime = true };

    [Theory]
    [InlineData(-14)]
    [InlineData(14)]
    [InlineData(0)]
    public async Task Adopter_AnySkewSigV4Allows_PlansTheStoresRemainingLifetimeOnStsClock(int adopterSkewMinutes)
    {
        var adopterClock = new AdversarialTimeProvider(_trueTime) { Skew = TimeSpan.FromMinutes(adopterSkewMinutes) };
        var shared = new SessionCredentials("ASIASHARED", "secret", "token", _trueTime.GetUtcNow() + TimeSpan.FromMinutes(10));
        _store.Put(Hop, shared, TimeSpan.FromMinutes(10));
        _trueTime.Advance(TimeSpan.FromMinutes(2)); // the entry has aged in the store: 8 minutes left in true time
        await using var sut = new SharedSessionCoordinator(_store, adopterClock, _logs.CreateLogger("test"));

        var observation = StsClockObservation.Begin(adopterClock);
        var result = await sut.RefreshAsync(Hop, held: null, Required, _ => throw new InvalidOperationException("no STS call"), CancellationToken.None);

        Assert.Equal(SharedRefreshOutcome.Adopted, result.Outcome);
        var now = ClockReading.Now(adopterClock);
        var timing = SessionTiming.Measure(result.Credentials, observation.Last, now);
        var planned = timing.ExpiresAt.RemainingAt(now);
        Assert.InRange(planned, TimeSpan.FromMinutes(8) - TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(8));
        Assert.InRange(timing.Skew!.Value.TotalMinutes, -adopterSkewMinutes - 0.1, -adopterSkewMinutes + 0.1);
    }

    [Theory]
    [InlineData(-14)]
    [InlineData(14)]
    public async Task Adopter_EntryTooShortOnStsClock_NotAdoptedWhateverItsOwnClockSays(int adopterSkewMinutes)
    {
        // On an adopter 14 min behind, Expiration reads 18 min away; the store says 4 min are left: below the 5 required.
        var adopterClock = new AdversarialTimeProvider(_trueTime) { Skew = TimeSpan.FromMinutes(adopterSkewMinutes) };
        _store.Put(Hop, new SessionCredentials("ASIASHORT", "secret", "token", _trueTime.GetUtcNow() + TimeSpan.FromMinutes(4)), TimeSpan.FromMinutes(4));
        await using var sut = new SharedSessionCoordinator(_store, adopterClock, _logs.CreateLogger("test"));
        var stsCalls = 0;

        var result = await sut.RefreshAsync(Hop, held: null, Required, _ =>
        {
            stsCalls++;
            return Task.FromResult(new SessionCredentials("ASIAFRESH", "secret", "token", _trueTime.GetUtcNow() + TimeSpan.FromHours(1)));
        }, CancellationToken.None);

        Assert.Equal(SharedRefreshOutcome.FetchedAndShared, result.Outcome);
        Assert.Equal(1, stsCalls);
    }

    [Theory]
    [InlineData(-14)]
    [InlineData(14)]
    public async Task Writer_SkewedClock_SharesTheLifetimeStsGrantedNotItsOwnReading(int writerSkewMinutes)
    {
        // STS 14 min ahead of the writer: Expiration read on the writer's clock says 74 min; STS granted 60. Behind:
        // 46 min, and before the fix 120 s of skew the other way made the TTL negative and nothing was shared.
        var writerClock = new AdversarialTimeProvider(_trueTime) { Skew = TimeSpan.FromMinutes(writerSkewMinutes) };
        await using var sut = new SharedSessionCoordinator(_store, writerClock, _logs.CreateLogger("test"));
        _ = StsClockObservation.Begin(writerClock);

        var result = await sut.RefreshAsync(Hop, held: null, Required, _ =>
        {
            // What the HTTP layer records for the STS response that carried the session: STS's Date.
            var sentAt = StsClockObservation.RequestSending();
            var date = _trueTime.GetUtcNow();
            StsClockObservation.ResponseReceived(sentAt, date.AddTicks(-(date.Ticks % TimeSpan.TicksPerSecond)));
            return Task.FromResult(new SessionCredentials("ASIAFRESH", "secret", "token", date + TimeSpan.FromHours(1)));
        }, CancellationToken.None);

        Assert.Equal(SharedRefreshOutcome.FetchedAndShared, result.Outcome);
        Assert.InRange(_store.WrittenLifetime(Hop)!.Value, TimeSpan.FromHours(1) - TimeSpan.FromSeconds(2), TimeSpan.FromHours(1));
    }
}
