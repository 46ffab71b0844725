using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace CredentialKit.Tests.Pacing;

/// <summary>
/// Issue #21 item 2, the core side of the fleet STS budget on a fake clock: the pacer waits for the budget's permit,
/// marks urgent refreshes, falls back to local pacing when the budget fails, and is asked only for shared hops.
/// </summary>
public class FleetStsPacerTests
{
    private const string Scope = "111122223333/us-east-1";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero));
    private readonly ScriptedBudget _budget = new();

    [Fact]
    public async Task AcquireAsync_BudgetSaysWait_WaitsOnTheClockThenAsksAgain()
    {
        _budget.Answers.Enqueue(FleetStsBudgetDecision.Wait(TimeSpan.FromMilliseconds(200)));
        _budget.Answers.Enqueue(FleetStsBudgetDecision.Grant);
        var sut = CreateSut();

        var acquire = sut.AcquireAsync(Scope, usableUntil: null, CancellationToken.None).AsTask();
        await Task.Yield();
        Assert.False(acquire.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.False(acquire.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await acquire.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, _budget.Requests.Count);
        Assert.All(_budget.Requests, r => Assert.Equal(new FleetStsBudgetRequest(Scope, 50, 5, Urgent: false), r));
        Assert.Equal(1, sut.Granted);
    }

    [Theory]
    [InlineData(30, true)]
    [InlineData(600, false)]
    public async Task AcquireAsync_HeldSessionCloseToItsUsableEnd_AsksAsUrgent(int secondsLeft, bool urgent)
    {
        _budget.Answers.Enqueue(FleetStsBudgetDecision.Grant);
        var sut = CreateSut();

        await sut.AcquireAsync(Scope, _time.GetUtcNow().AddSeconds(secondsLeft), CancellationToken.None);

        Assert.Equal(urgent, Assert.Single(_budget.Requests).Urgent);
    }

    [Fact]
    public async Task AcquireAsync_WarmUpCallWaitingOnTheBucket_UrgentRefreshDoesNotQueueBehindIt()
    {
        // The bucket has only its urgent reserve left: warm-up calls keep being told to wait, urgent ones are granted.
        _budget.Answer = r => r.Urgent ? FleetStsBudgetDecision.Grant : FleetStsBudgetDecision.Wait(TimeSpan.FromSeconds(1));
        var sut = CreateSut();

        var warmUp = sut.AcquireAsync(Scope, usableUntil: null, CancellationToken.None).AsTask();
        await Task.Yield();
        await sut.AcquireAsync(Scope, _time.GetUtcNow().AddSeconds(10), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(warmUp.IsCompleted);
        Assert.Equal(1, sut.Granted);
    }

    [Fact]
    public async Task AcquireAsync_BudgetFails_GoesAheadAtOnce_AndSkipsTheBudgetForTheCoolDown()
    {
        _budget.Fail = true;
        var sut = CreateSut();

        await sut.AcquireAsync(Scope, usableUntil: null, CancellationToken.None);
        await sut.AcquireAsync(Scope, usableUntil: null, CancellationToken.None);
        Assert.Single(_budget.Requests);
        Assert.Equal(2, sut.FellBack);

        _budget.Fail = false;
        _budget.Answers.Enqueue(FleetStsBudgetDecision.Grant);
        _time.Advance(StsRateLimitDefaults.FleetBudgetCoolDown);
        await sut.AcquireAsync(Scope, usableUntil: null, CancellationToken.None);
        Assert.Equal(2, _budget.Requests.Count);
        Assert.Equal(1, sut.Granted);
    }

    [Fact]
    public async Task AcquireAsync_BudgetHangs_FallsBackAfterTheStoreCallTimeout()
    {
        _budget.Hang = true;
        var sut = CreateSut();

        var acquire = sut.AcquireAsync(Scope, usableUntil: null, CancellationToken.None).AsTask();
        await Task.Yield();
        Assert.False(acquire.IsCompleted);
        _time.Advance(SharedSessionDefaults.StoreCallTimeout);
        await acquire.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, sut.FellBack);
    }

    [Fact]
    public async Task RateLimiter_AsksTheFleetOnlyForACallWithAScope_AfterTheLocalPermit()
    {
        var pacer = CreateSut();
        using var limiter = new StsRateLimiter(_time, 100, 10, StsRateLimitDefaults.UrgentHorizon, pacer);

        await limiter.AcquireAsync(usableUntil: null, fleetScope: null, CancellationToken.None);
        Assert.Empty(_budget.Requests);

        _budget.Answers.Enqueue(FleetStsBudgetDecision.Grant);
        await limiter.AcquireAsync(usableUntil: null, Scope, CancellationToken.None);
        Assert.Single(_budget.Requests);
        Assert.Equal(2, limiter.Granted);
    }

    [Fact]
    public void Create_StoreWithoutBudgetOrBudgetOff_NoFleetPacing()
    {
        Assert.Null(FleetStsPacer.Create(new SessionCacheOptions { SharedStore = Substitute.For<ISharedSessionStore>() }, _time, NullLoggerFactory.Instance));
        Assert.Null(FleetStsPacer.Create(new SessionCacheOptions { SharedStore = new BudgetStore(), FleetStsRequestsPerSecond = 0 }, _time, NullLoggerFactory.Instance));
        var pacer = FleetStsPacer.Create(new SessionCacheOptions { SharedStore = new BudgetStore() }, _time, NullLoggerFactory.Instance);
        Assert.Equal(500, pacer!.RequestsPerSecond);
        Assert.Equal(50, pacer.Burst);
    }

    [Theory]
    [InlineData(-1, 50, "FleetStsRequestsPerSecond")]
    [InlineData(10_001, 50, "FleetStsRequestsPerSecond")]
    [InlineData(500, 0, "FleetStsRequestBurst")]
    public void SessionCache_FleetBudgetOutOfRange_ThrowsNamingTheSettingAndRange(int rate, int burst, string setting)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SessionCache(new SessionCacheOptions { FleetStsRequestsPerSecond = rate, FleetStsRequestBurst = burst }));
        Assert.Contains("SessionCacheOptions." + setting + " must be from", error.Message, StringComparison.Ordinal);
    }

    private FleetStsPacer CreateSut() => new(_budget, 50, 5, StsRateLimitDefaults.UrgentHorizon, _time, NullLogger.Instance);

    private sealed class ScriptedBudget : IFleetStsBudget
    {
        public Queue<FleetStsBudgetDecision> Answers { get; } = new();

        public List<FleetStsBudgetRequest> Requests { get; } = [];

        public bool Fail { get; set; }

        public bool Hang { get; set; }

        public Func<FleetStsBudgetRequest, FleetStsBudgetDecision>? Answer { get; set; }

        public ValueTask<FleetStsBudgetDecision> TryAcquireAsync(FleetStsBudgetRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Add(request);
            return Fail ? ValueTask.FromException<FleetStsBudgetDecision>(new InvalidOperationException("down"))
                : Hang ? new ValueTask<FleetStsBudgetDecision>(new TaskCompletionSource<FleetStsBudgetDecision>().Task)
                : ValueTask.FromResult(Answer?.Invoke(request) ?? Answers.Dequeue());
        }
    }

    private sealed class BudgetStore : IFleetStsBudget, ISharedSessionStore
    {
        public ValueTask<FleetStsBudgetDecision> TryAcquireAsync(FleetStsBudgetRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(FleetStsBudgetDecision.Grant);

        public ValueTask<SessionCredentials?> ReadAsync(string hopKey, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<ISharedSessionLease?> TryAcquireLeaseAsync(string hopKey, TimeSpan duration, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask WriteAsync(string hopKey, SessionCredentials credentials, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<bool> RemoveAsync(string hopKey, SessionCredentials rejected, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<IAsyncDisposable> SubscribeAsync(Action<SharedSessionChange> onChange, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public SharedSessionStoreStatus GetStatus() => new(isAvailable: true, state: "Test", lastError: null);
    }
}
