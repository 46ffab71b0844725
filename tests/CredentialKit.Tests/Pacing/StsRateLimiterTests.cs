using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Pacing;

public class StsRateLimiterTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100); // 10 per second

    private readonly ManualTimeProvider _time = new();

    private StsRateLimiter CreateSut(int burst = 1) => new(_time, requestsPerSecond: 10, burst, TimeSpan.FromMinutes(1));

    [Fact]
    public void AcquireAsync_BurstThenEvenSpacing_GrantsExactPermitCounts()
    {
        using var limiter = CreateSut(burst: 2);

        var waits = Enumerable.Range(0, 5).Select(_ => limiter.AcquireAsync(null, null, CancellationToken.None)).ToList();

        Assert.Equal(2, waits.Count(w => w.IsCompletedSuccessfully));
        Assert.Equal(2, limiter.Granted);
        _time.Advance(Interval - TimeSpan.FromTicks(1));
        Assert.Equal(2, limiter.Granted);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(3, limiter.Granted);
        _time.Advance(Interval);
        Assert.Equal(4, limiter.Granted);
        _time.Advance(Interval);
        Assert.Equal(5, limiter.Granted);
        Assert.Equal(0, limiter.Queued);
    }

    [Fact]
    public void AcquireAsync_OverTenSeconds_NeverMoreThanTheRatePerSecond()
    {
        using var limiter = CreateSut(burst: 1);
        var waits = Enumerable.Range(0, 200).Select(_ => limiter.AcquireAsync(null, null, CancellationToken.None)).ToList();

        var perSecond = new List<long>();
        var before = limiter.Granted;
        for (var second = 0; second < 10; second++)
        {
            for (var step = 0; step < 10; step++)
            {
                _time.Advance(Interval);
            }

            perSecond.Add(limiter.Granted - before);
            before = limiter.Granted;
        }

        Assert.All(perSecond, count => Assert.Equal(10, count));
        Assert.Equal(101, limiter.Granted); // the first at once, then 10 a second
    }

    [Fact]
    public async Task AcquireAsync_HeldSessionNearItsMinimumLifetime_GoesAheadOfFirstFetches()
    {
        using var limiter = CreateSut();
        await limiter.AcquireAsync(null, null, CancellationToken.None); // the one permit of the burst
        var first = Enumerable.Range(0, 3).Select(_ => limiter.AcquireAsync(null, null, CancellationToken.None).AsTask()).ToList();
        var early = limiter.AcquireAsync(_time.GetUtcNow() + TimeSpan.FromMinutes(30), null, CancellationToken.None).AsTask();
        var urgent = limiter.AcquireAsync(_time.GetUtcNow() + TimeSpan.FromSeconds(30), null, CancellationToken.None).AsTask();

        _time.Advance(Interval);
        await urgent;
        Assert.All(first, t => Assert.False(t.IsCompleted));

        for (var i = 0; i < 3; i++)
        {
            _time.Advance(Interval);
        }

        await Task.WhenAll(first);
        Assert.False(early.IsCompleted); // an early refresh waits behind first fetches until it gets close
        _time.Advance(Interval);
        await early;
        Assert.Equal(6, limiter.Granted);
    }

    [Fact]
    public async Task AcquireAsync_EarlyRefreshThatBecomesUrgent_JumpsTheQueue()
    {
        using var limiter = CreateSut();
        await limiter.AcquireAsync(null, null, CancellationToken.None);
        var first = Enumerable.Range(0, 1000).Select(_ => limiter.AcquireAsync(null, null, CancellationToken.None).AsTask()).ToList();
        var refresh = limiter.AcquireAsync(_time.GetUtcNow() + TimeSpan.FromSeconds(90), null, CancellationToken.None).AsTask();

        for (var i = 0; i < 300 && !refresh.IsCompleted; i++)
        {
            _time.Advance(Interval);
        }

        await refresh;
        // Became urgent 30 s in (90 s usable, 60 s horizon): 299 first fetches went before it (the 300th permit was its own).
        Assert.Equal(299, first.Count(t => t.IsCompleted));
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileQueued_IsCancelledAndCostsNoPermit()
    {
        using var limiter = CreateSut();
        await limiter.AcquireAsync(null, null, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = limiter.AcquireAsync(null, null, cts.Token).AsTask();
        var next = limiter.AcquireAsync(null, null, CancellationToken.None).AsTask();

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        _time.Advance(Interval);

        await next;
        Assert.Equal(2, limiter.Granted);
    }

    [Fact]
    public async Task AcquireAsync_AlreadyCancelled_ReturnsCancelledAndTakesNothing()
    {
        using var limiter = CreateSut();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => limiter.AcquireAsync(null, null, new CancellationToken(true)).AsTask());
        Assert.Equal(0, limiter.Granted);
    }

    [Fact]
    public async Task Dispose_FaultsQueuedWaitersAndRefusesNewOnes()
    {
        var limiter = CreateSut();
        await limiter.AcquireAsync(null, null, CancellationToken.None);
        var queued = limiter.AcquireAsync(null, null, CancellationToken.None).AsTask();

        limiter.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued);
        Assert.Throws<ObjectDisposedException>(() => limiter.AcquireAsync(null, null, CancellationToken.None));
        Assert.Equal(0, _time.ActiveTimerCount);
    }

    [Theory]
    [InlineData(-1, 10, "StsRequestsPerSecond")]
    [InlineData(10_001, 10, "StsRequestsPerSecond")]
    [InlineData(100, 0, "StsRequestBurst")]
    public void SessionCache_RateLimitOutOfRange_ThrowsNamingTheSetting(int rate, int burst, string setting)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SessionCache(new SessionCacheOptions { StsRequestsPerSecond = rate, StsRequestBurst = burst }));

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SessionCache_RateLimitZero_TurnsPacingOff()
    {
        using var off = new SessionCache(new SessionCacheOptions { StsRequestsPerSecond = 0 });
        using var byDefault = new SessionCache();

        Assert.Null(off.StsRateLimiter);
        Assert.Equal(100, byDefault.StsRateLimiter!.RequestsPerSecond);
        Assert.Equal(10, byDefault.StsRateLimiter.Burst);
    }
}
