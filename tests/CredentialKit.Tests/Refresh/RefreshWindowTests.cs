using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Refresh;

public class RefreshWindowTests
{
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task GetCredentialsAsync_FirstCall_AssumesRoleOnce()
    {
        await using var provider = _fixture.Create();

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal(1, _fixture.Sts.CallCount);
        Assert.StartsWith("ASIAHUB", credentials.AccessKeyId);
        Assert.Equal(_fixture.Time.GetUtcNow() + TimeSpan.FromHours(1), credentials.Expiration);
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/hub/test-session", credentials.AssumedRoleArn);
    }

    [Fact]
    public async Task GetCredentialsAsync_ValidSession_CompletesSynchronouslyWithSameInstanceAndNoStsCall()
    {
        await using var provider = _fixture.Create();
        var first = await provider.GetCredentialsAsync();

        var second = Completed.Result(provider.GetCredentialsAsync());

        Assert.Same(first, second);
        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task GetCredentialsAsync_ValidSession_AllocatesNothing()
    {
        await using var provider = _fixture.Create();
        await provider.GetCredentialsAsync();
        _ = provider.GetCredentialsAsync(); // warm every path once

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            _ = Completed.Result(provider.GetCredentialsAsync());
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task GetCredentialsAsync_JustBeforeRefreshAhead_ReturnsCachedWithoutRefresh()
    {
        await using var provider = _fixture.Create();
        var first = await provider.GetCredentialsAsync();

        // 1-hour session: the default refresh-ahead window is 15 minutes, so it opens at 45:00.
        _fixture.Time.Advance(TimeSpan.FromMinutes(45) - TimeSpan.FromTicks(1));
        var second = await provider.GetCredentialsAsync();
        await ProviderFixture.WhenIdleAsync(provider);

        Assert.Same(first, second);
        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task GetCredentialsAsync_InsideRefreshWindow_ReturnsCachedAndRefreshesOnceInBackground()
    {
        await using var provider = _fixture.Create();
        var first = await provider.GetCredentialsAsync();
        var pending = _fixture.Sts.EnqueuePending();
        _fixture.Time.Advance(TimeSpan.FromMinutes(45));

        var results = new List<SessionCredentials>();
        for (var i = 0; i < 10; i++)
        {
            results.Add(Completed.Result(provider.GetCredentialsAsync())); // nobody waits for the refresh
        }

        await Eventually.WaitAsync(() => _fixture.Sts.CallCount == 2, "the background refresh reaching STS");
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[1]));
        await ProviderFixture.WhenIdleAsync(provider);
        var refreshed = await provider.GetCredentialsAsync();

        Assert.All(results, r => Assert.Same(first, r));
        Assert.Equal(2, _fixture.Sts.CallCount);
        Assert.NotSame(first, refreshed);
    }

    [Fact]
    public async Task GetCredentialsAsync_JustAboveMinimumLifetime_ReturnsCached()
    {
        await using var provider = _fixture.Create();
        var first = await provider.GetCredentialsAsync();
        _fixture.Sts.EnqueueHang(); // the refresh started in the window never finishes

        _fixture.Time.Advance(TimeSpan.FromMinutes(59) - TimeSpan.FromTicks(1));
        var second = Completed.Result(provider.GetCredentialsAsync());

        Assert.Same(first, second);
    }

    [Fact]
    public async Task GetCredentialsAsync_AtMinimumLifetime_WaitsForRefreshedSession()
    {
        await using var provider = _fixture.Create();
        var first = await provider.GetCredentialsAsync();
        var pending = _fixture.Sts.EnqueuePending();

        _fixture.Time.Advance(TimeSpan.FromMinutes(59)); // exactly one minute left
        var call = provider.GetCredentialsAsync().AsTask();
        await Eventually.WaitAsync(() => _fixture.Sts.CallCount == 2, "the refresh reaching STS");
        Assert.False(call.IsCompleted);
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[1]));
        var second = await call;

        Assert.NotSame(first, second);
        Assert.True(second.Expiration - _fixture.Time.GetUtcNow() > TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task GetCredentialsAsync_AfterExpiry_NeverReturnsExpiredCredentials()
    {
        await using var provider = _fixture.Create();
        await provider.GetCredentialsAsync();
        _fixture.Sts.EnqueueError("ServiceUnavailable", System.Net.HttpStatusCode.ServiceUnavailable, times: 4);

        _fixture.Time.Advance(TimeSpan.FromHours(1));
        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("ServiceUnavailable", error.ErrorCode);
    }

    [Fact]
    public async Task GetCredentialsAsync_ExplicitRefreshAhead_OpensWindowThere()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.RefreshAhead = TimeSpan.FromMinutes(5);
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();

        _fixture.Time.Advance(TimeSpan.FromMinutes(55) - TimeSpan.FromTicks(1));
        await provider.GetCredentialsAsync();
        await ProviderFixture.WhenIdleAsync(provider);
        Assert.Equal(1, _fixture.Sts.CallCount);

        _fixture.Time.Advance(TimeSpan.FromTicks(1));
        await provider.GetCredentialsAsync();
        await ProviderFixture.WhenIdleAsync(provider);
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task GetCredentialsAsync_WithJitter_RefreshMomentFallsInFirstHalfOfWindow()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.JitterFraction = 0.5;
        // A quarter of the way into the part of the 15-minute window before the 1-minute minimum: 45:00 + 3:30.
        _fixture.RandomValue = 0.5;
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();
        var refreshAt = TimeSpan.FromMinutes(45) + TimeSpan.FromSeconds(210);

        _fixture.Time.Advance(refreshAt - TimeSpan.FromTicks(1));
        await provider.GetCredentialsAsync();
        await ProviderFixture.WhenIdleAsync(provider);
        Assert.Equal(1, _fixture.Sts.CallCount);

        _fixture.Time.Advance(TimeSpan.FromTicks(1));
        await provider.GetCredentialsAsync();
        await ProviderFixture.WhenIdleAsync(provider);
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task GetCredentialsAsync_SessionShorterThanMinimumLifetime_FailsWithSessionTooShort()
    {
        _fixture.Sts.Lifetime = TimeSpan.FromSeconds(30);
        await using var provider = _fixture.Create();

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("SessionTooShort", error.ErrorCode);
        Assert.Contains("MinimumLifetime", error.Message);
    }
}
