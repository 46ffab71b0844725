using System.Diagnostics.Metrics;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Logging.Abstractions;

namespace CredentialKit.Tests.Caching;

/// <summary>The 4-step shared refresh over a scripted store on the manual clock: adopt, lease, wait, and every fallback to STS.</summary>
public class SharedSessionCoordinatorTests
{
    private const string Hop = "ckf1:0123456789ABCDEF0123456789ABCDEF";
    private static readonly TimeSpan Required = TimeSpan.FromMinutes(5);

    private readonly ManualTimeProvider _time = new();
    private readonly FakeSharedSessionStore _store;
    private readonly CapturingLoggerFactory _logs = new();
    private int _stsCalls;

    public SharedSessionCoordinatorTests() => _store = new FakeSharedSessionStore(_time);

    [Fact]
    public async Task RefreshAsync_FreshSharedEntry_AdoptsWithoutCallingSts()
    {
        var shared = Session("ASIASHARED", TimeSpan.FromHours(1));
        _store.Put(Hop, shared);
        await using var sut = CreateSut();

        var result = await sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);

        Assert.Same(shared, result.Credentials);
        Assert.Equal(SharedRefreshOutcome.Adopted, result.Outcome);
        Assert.Equal(0, _stsCalls);
        Assert.Equal(0, _store.Count("lease"));
    }

    [Fact]
    public async Task RefreshAsync_NoEntry_TakesLeaseCallsStsSharesAndReleases()
    {
        await using var sut = CreateSut();

        var result = await sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);

        Assert.Equal(SharedRefreshOutcome.FetchedAndShared, result.Outcome);
        Assert.Equal(1, _stsCalls);
        Assert.Same(result.Credentials, _store.Entry(Hop));
        Assert.False(_store.IsLeased(Hop));
        Assert.Equal(["read", "lease", "read", "write", "release"], _store.Calls);
    }

    [Fact]
    public async Task RefreshAsync_EntryBelowRequiredLifetime_IsNotAdopted()
    {
        _store.Put(Hop, Session("ASIASHORT", Required - TimeSpan.FromSeconds(1)));
        await using var sut = CreateSut();

        var result = await sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);

        Assert.Equal(SharedRefreshOutcome.FetchedAndShared, result.Outcome);
        Assert.NotEqual("ASIASHORT", result.Credentials.AccessKeyId);
        Assert.Equal(1, _stsCalls);
    }

    [Fact]
    public async Task RefreshAsync_EntryNotNewerThanHeld_IsNotAdopted()
    {
        var held = Session("ASIAHELD", TimeSpan.FromHours(1));
        _store.Put(Hop, held);
        await using var sut = CreateSut();

        var result = await sut.RefreshAsync(Hop, held, Required, FetchFromSts, CancellationToken.None);

        Assert.Equal(SharedRefreshOutcome.FetchedAndShared, result.Outcome);
        Assert.NotSame(held, result.Credentials);
    }

    [Fact]
    public async Task RefreshAsync_NewerEntryThanHeld_IsAdopted()
    {
        var held = Session("ASIAHELD", TimeSpan.FromMinutes(10));
        var newer = Session("ASIANEWER", TimeSpan.FromHours(1));
        _store.Put(Hop, newer);
        await using var sut = CreateSut();

        var result = await sut.RefreshAsync(Hop, held, Required, FetchFromSts, CancellationToken.None);

        Assert.Same(newer, result.Credentials);
        Assert.Equal(0, _stsCalls);
    }

    [Fact]
    public async Task RefreshAsync_OtherSessionWithTheSameExpirationAsHeld_IsAdopted()
    {
        // STS writes whole-second expirations: a replacement issued in the same second as the held (rejected) session.
        var held = Session("ASIAHELD", TimeSpan.FromHours(1));
        var replacement = Session("ASIAREPLACEMENT", TimeSpan.FromHours(1));
        _store.Put(Hop, replacement);
        await using var sut = CreateSut();

        var result = await sut.RefreshAsync(Hop, held, Required, FetchFromSts, CancellationToken.None);

        Assert.Same(replacement, result.Credentials);
        Assert.Equal(0, _stsCalls);
    }

    [Fact]
    public async Task RefreshAsync_LeaseHeldElsewhere_WaitsForNotificationAndAdopts()
    {
        _store.HoldLease(Hop, TimeSpan.FromSeconds(10));
        await using var sut = CreateSut();

        var refresh = sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);
        await Eventually.WaitAsync(() => _store.Count("read") == 2 && _time.NextTimerDueIn is not null, "the coordinator waiting for the holder");
        var fromHolder = Session("ASIAHOLDER", TimeSpan.FromHours(1));
        _store.Put(Hop, fromHolder);
        _store.Publish(new SharedSessionChange(Hop, SharedSessionChangeKind.Written, SharedSessionChange.SessionIdOf(fromHolder)));
        var result = await refresh;

        Assert.Same(fromHolder, result.Credentials);
        Assert.Equal(SharedRefreshOutcome.AdoptedAfterWait, result.Outcome);
        Assert.Equal(0, _stsCalls);
    }

    [Fact]
    public async Task RefreshAsync_LeaseHolderDiesWithoutWriting_TakesOverAfterTheWait()
    {
        _store.HoldLease(Hop, SharedSessionDefaults.LeaseDuration);
        await using var sut = CreateSut();

        var refresh = sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);
        await Eventually.WaitAsync(() => _time.NextTimerDueIn is not null, "the coordinator waiting for the holder");
        _time.Advance(SharedSessionDefaults.NotificationTimeout);
        var result = await refresh;

        Assert.Equal(SharedRefreshOutcome.FetchedAndShared, result.Outcome);
        Assert.Equal(1, _stsCalls);
        Assert.Same(result.Credentials, _store.Entry(Hop));
        Assert.False(_store.IsLeased(Hop));
    }

    [Fact]
    public async Task RefreshAsync_LeaseStillHeldAfterTheWait_CallsStsItself()
    {
        _store.HoldLease(Hop, TimeSpan.FromMinutes(5));
        await using var sut = CreateSut();

        var refresh = sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);
        await Eventually.WaitAsync(() => _time.NextTimerDueIn is not null, "the coordinator waiting for the holder");
        _time.Advance(SharedSessionDefaults.NotificationTimeout);
        var result = await refresh;

        Assert.Equal(SharedRefreshOutcome.FetchedAfterWait, result.Outcome);
        Assert.Equal(1, _stsCalls);
        Assert.Single(_logs.WithEventId(43));
    }

    [Fact]
    public async Task RefreshAsync_LeaseHolderSilent_WaitBoundedByTheHeldSessionsTimeLeft_NotByTheTimeout()
    {
        // Regression (#21): the wait was the constant 10 s; a held session with 4 s of usable life left then dropped below
        // its minimum lifetime while the process waited on a holder that died with Redis.
        _store.HoldLease(Hop, TimeSpan.FromMinutes(5));
        var held = Session("ASIAHELD", TimeSpan.FromMinutes(1));
        var usableUntil = Deadline.After(ClockReading.Now(_time), TimeSpan.FromSeconds(4));
        await using var sut = CreateSut();

        var refresh = sut.RefreshAsync(Hop, held, Required, FetchFromSts, CancellationToken.None, usableUntil);
        await Eventually.WaitAsync(() => _time.NextTimerDueIn is not null, "the coordinator waiting for the holder");
        Assert.Equal(TimeSpan.FromSeconds(2), _time.NextTimerDueIn);
        _time.Advance(TimeSpan.FromSeconds(2));
        var result = await refresh;

        Assert.Equal(SharedRefreshOutcome.FetchedAfterWait, result.Outcome);
        Assert.Equal(1, _stsCalls);
        Assert.False(usableUntil.IsReachedAt(ClockReading.Now(_time)), "the STS call started before the held session's usable end");
    }

    [Fact]
    public async Task RefreshAsync_HeldSessionAlreadyPastItsUsablePoint_CallsStsWithoutWaiting()
    {
        _store.HoldLease(Hop, TimeSpan.FromMinutes(5));
        var held = Session("ASIAHELD", TimeSpan.FromSeconds(30));
        var usableUntil = Deadline.After(ClockReading.Now(_time), TimeSpan.FromSeconds(-1));
        await using var sut = CreateSut();

        var result = await sut.RefreshAsync(Hop, held, Required, FetchFromSts, CancellationToken.None, usableUntil);

        Assert.Equal(SharedRefreshOutcome.FetchedAfterWait, result.Outcome);
        Assert.Equal(1, _stsCalls);
    }

    [Fact]
    public void LeaseWaitBudget_HalfTheTimeLeft_CappedByTheTimeout()
    {
        var now = ClockReading.Now(_time);
        var timeout = SharedSessionDefaults.NotificationTimeout;
        Assert.Equal(timeout, LeaseWaitBudget.For(timeout, heldUsableUntil: null, now));
        Assert.Equal(timeout, LeaseWaitBudget.For(timeout, Deadline.After(now, TimeSpan.FromMinutes(10)), now));
        Assert.Equal(TimeSpan.FromSeconds(3), LeaseWaitBudget.For(timeout, Deadline.After(now, TimeSpan.FromSeconds(6)), now));
        Assert.Equal(TimeSpan.Zero, LeaseWaitBudget.For(timeout, Deadline.After(now, TimeSpan.Zero), now));
    }

    [Theory]
    [InlineData("read")]
    [InlineData("lease")]
    public async Task RefreshAsync_StoreFails_CallsStsAsIfThereWereNoStore(string failing)
    {
        _store.Failing.Add(failing);
        await using var sut = CreateSut();

        var result = await sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);

        Assert.Equal(SharedRefreshOutcome.StoreUnavailable, result.Outcome);
        Assert.Equal(1, _stsCalls);
        var failure = Assert.Single(_logs.WithEventId(40));
        Assert.DoesNotContain("store " + failing + " failed", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAsync_SubscribeFailsWhileLeaseHeldElsewhere_CallsStsAtOnce()
    {
        _store.HoldLease(Hop, TimeSpan.FromSeconds(10));
        _store.Failing.Add("subscribe");
        await using var sut = CreateSut();

        var result = await sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);

        Assert.Equal(SharedRefreshOutcome.StoreUnavailable, result.Outcome);
        Assert.Equal(1, _stsCalls);
    }

    [Fact]
    public async Task RefreshAsync_StoreHangs_BackstopTimeoutFallsBackToSts()
    {
        _store.Hanging.Add("read");
        await using var sut = CreateSut();

        var refresh = sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);
        await Eventually.WaitAsync(() => _time.NextTimerDueIn is not null, "the backstop timer");
        _time.Advance(SharedSessionDefaults.StoreCallTimeout);
        var result = await refresh;

        Assert.Equal(SharedRefreshOutcome.StoreUnavailable, result.Outcome);
        Assert.Equal(1, _stsCalls);
    }

    [Fact]
    public async Task RefreshAsync_WriteFails_ReturnsStsSessionAndReleasesLease()
    {
        _store.Failing.Add("write");
        await using var sut = CreateSut();

        var result = await sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);

        Assert.Equal(SharedRefreshOutcome.FetchedNotShared, result.Outcome);
        Assert.False(_store.IsLeased(Hop));
    }

    [Fact]
    public async Task RefreshAsync_StsFails_ErrorReachesCallerAndLeaseIsReleased()
    {
        await using var sut = CreateSut();
        var failure = new CredentialRefreshException("STS failed", null, "arn:aws:iam::111122223333:role/hub", "Throttling", 3, isTransient: true, innerException: null);

        var thrown = await Assert.ThrowsAsync<CredentialRefreshException>(() =>
            sut.RefreshAsync(Hop, held: null, Required, _ => Task.FromException<SessionCredentials>(failure), CancellationToken.None));

        Assert.Same(failure, thrown);
        Assert.False(_store.IsLeased(Hop));
        Assert.Null(_store.Entry(Hop));
    }

    [Fact]
    public async Task RefreshAsync_CancelledWhileWaiting_Throws()
    {
        _store.HoldLease(Hop, TimeSpan.FromSeconds(10));
        await using var sut = CreateSut();
        using var cts = new CancellationTokenSource();

        var refresh = sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, cts.Token);
        await Eventually.WaitAsync(() => _time.NextTimerDueIn is not null, "the coordinator waiting for the holder");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => refresh);
        Assert.Equal(0, _stsCalls);
    }

    [Fact]
    public async Task InvalidateAsync_RemovesSharedEntryAndNeverAdoptsTheRejectedSessionAgain()
    {
        var rejected = Session("ASIAREJECTED", TimeSpan.FromHours(1));
        _store.Put(Hop, rejected);
        await using var sut = CreateSut();

        var removed = await sut.InvalidateAsync(Hop, rejected, CancellationToken.None);
        _store.Put(Hop, rejected); // a stale writer puts it back
        var result = await sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);

        Assert.True(removed);
        Assert.NotSame(rejected, result.Credentials);
        Assert.Equal(1, _stsCalls);
    }

    [Fact]
    public async Task InvalidateAsync_StoreDown_StillNeverAdoptsTheRejectedSession()
    {
        var rejected = Session("ASIAREJECTED", TimeSpan.FromHours(1));
        _store.Put(Hop, rejected);
        _store.Failing.Add("remove");
        await using var sut = CreateSut();

        var removed = await sut.InvalidateAsync(Hop, rejected, CancellationToken.None);
        var result = await sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);

        Assert.False(removed);
        Assert.NotSame(rejected, result.Credentials);
    }

    [Fact]
    public async Task RemovedNotice_FromAnotherProcess_RaisesSessionRejectedAndIsNotAdopted()
    {
        var rejected = Session("ASIAREJECTED", TimeSpan.FromHours(1));
        await using var sut = CreateSut();
        var notices = new List<SharedSessionChange>();
        sut.SessionRejected += notices.Add;
        _store.HoldLease(Hop, TimeSpan.FromSeconds(1));
        var refresh = sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None); // subscribes
        await Eventually.WaitAsync(() => _store.SubscriberCount == 1, "the subscription");

        _store.Put(Hop, rejected);
        _store.Publish(new SharedSessionChange(Hop, SharedSessionChangeKind.Removed, SharedSessionChange.SessionIdOf(rejected)));
        _time.Advance(SharedSessionDefaults.NotificationTimeout);
        var result = await refresh;

        var notice = Assert.Single(notices);
        Assert.True(notice.Concerns(rejected));
        Assert.NotSame(rejected, result.Credentials);
    }

    [Fact]
    public async Task RefreshAsync_Outcomes_AreMetered()
    {
        using var meterFactory = new TestMeterFactory();
        using var telemetry = new SharedSessionTelemetry(meterFactory);
        var outcomes = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name == "credentialkit.shared_store.refreshes")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => outcomes.Add((string)tags[0].Value!));
        listener.Start();
        await using var sut = new SharedSessionCoordinator(_store, _time, NullLogger.Instance, telemetry);

        await sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);
        await sut.RefreshAsync(Hop, held: null, Required, FetchFromSts, CancellationToken.None);

        Assert.Equal(["fetched_and_shared", "adopted"], outcomes);
    }

    private SharedSessionCoordinator CreateSut() =>
        new(_store, _time, _logs.CreateLogger("test"));

    private Task<SessionCredentials> FetchFromSts(CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _stsCalls);
        return Task.FromResult(Session("ASIASTS" + n, TimeSpan.FromHours(1)));
    }

    private SessionCredentials Session(string accessKeyId, TimeSpan lifetime) =>
        new(accessKeyId, "secret-" + accessKeyId, "token-" + accessKeyId, _time.GetUtcNow() + lifetime);

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
