using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Refresh;

public class SingleFlightTests
{
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task GetCredentialsAsync_ThousandConcurrentCallersWithNoSession_MakeOneStsCall()
    {
        await using var provider = _fixture.Create();
        var pending = _fixture.Sts.EnqueuePending();

        var callers = Enumerable.Range(0, 1_000)
            .Select(_ => Task.Run(() => provider.GetCredentialsAsync().AsTask()))
            .ToArray();
        await Eventually.WaitAsync(() => _fixture.Sts.CallCount == 1, "the single refresh reaching STS");
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[0]));
        var results = await Task.WhenAll(callers);

        Assert.Equal(1, _fixture.Sts.CallCount);
        Assert.All(results, r => Assert.Same(results[0], r));
    }

    [Fact]
    public async Task GetCredentialsAsync_ThousandCallersBelowMinimumLifetime_MakeOneStsCall()
    {
        await using var provider = _fixture.Create();
        await provider.GetCredentialsAsync();
        _fixture.Time.Advance(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(30));
        var pending = _fixture.Sts.EnqueuePending();

        var callers = Enumerable.Range(0, 1_000)
            .Select(_ => Task.Run(() => provider.GetCredentialsAsync().AsTask()))
            .ToArray();
        await Eventually.WaitAsync(() => _fixture.Sts.CallCount == 2, "the single refresh reaching STS");
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[1]));
        var results = await Task.WhenAll(callers);

        Assert.Equal(2, _fixture.Sts.CallCount);
        Assert.All(results, r => Assert.Same(results[0], r));
    }

    [Fact]
    public async Task StartRefresh_AfterAnotherRefreshJustCompleted_TakesThatSessionInsteadOfCallingSts()
    {
        // Regression: a caller that read the expired snapshot without the lock, and reached the refresh only after
        // another caller's refresh had completed, started a second STS call.
        await using var provider = _fixture.Create();
        var fresh = await provider.GetCredentialsAsync();

        var late = await ProviderFixture.SessionOf(provider).StartRefresh(RefreshTrigger.Expiring);

        Assert.Same(fresh, late);
        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task GetCredentialsAsync_CallerCancelsWait_SharedRefreshContinuesForOthers()
    {
        await using var provider = _fixture.Create();
        var pending = _fixture.Sts.EnqueuePending();
        using var cancel = new CancellationTokenSource();

        var cancelled = provider.GetCredentialsAsync(cancel.Token).AsTask();
        var patient = provider.GetCredentialsAsync().AsTask();
        await Eventually.WaitAsync(() => _fixture.Sts.CallCount == 1, "the refresh reaching STS");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(patient.IsCompleted);
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[0]));
        var credentials = await patient;

        Assert.Equal(1, _fixture.Sts.CallCount);
        Assert.Same(credentials, await provider.GetCredentialsAsync());
    }

    [Fact]
    public async Task GetCredentialsAsync_AlreadyCancelledToken_ThrowsWithoutWaiting()
    {
        await using var provider = _fixture.Create();
        _fixture.Sts.EnqueueHang();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.GetCredentialsAsync(cancel.Token).AsTask());
    }

    [Fact]
    public async Task Invalidate_NextCall_FetchesFreshCredentials()
    {
        await using var provider = _fixture.Create();
        var first = await provider.GetCredentialsAsync();

        provider.Invalidate();
        var second = await provider.GetCredentialsAsync();

        Assert.Equal(2, _fixture.Sts.CallCount);
        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        Assert.Single(_fixture.Logs.WithEventId(8));
    }

    [Fact]
    public async Task Invalidate_ConcurrentInvalidationsAndCallers_MakeOneStsCall()
    {
        await using var provider = _fixture.Create();
        await provider.GetCredentialsAsync();
        var pending = _fixture.Sts.EnqueuePending();

        var invalidated = 0;

        // Many requests see ExpiredToken at once: each invalidates, then asks again, while the one refresh is in flight.
        var callers = Enumerable.Range(0, 200).Select(_ => Task.Run(() =>
        {
            provider.Invalidate();
            Interlocked.Increment(ref invalidated);
            return provider.GetCredentialsAsync().AsTask();
        })).ToArray();
        await Eventually.WaitAsync(() => _fixture.Sts.CallCount == 2 && Volatile.Read(ref invalidated) == 200, "every invalidation, and the refresh reaching STS");
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[1]));
        var results = await Task.WhenAll(callers);

        Assert.Equal(2, _fixture.Sts.CallCount);
        Assert.All(results, r => Assert.Same(results[0], r));
    }
}
