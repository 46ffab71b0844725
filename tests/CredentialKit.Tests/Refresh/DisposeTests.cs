using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Refresh;

public class DisposeTests
{
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task Dispose_StopsTheBackgroundTimer()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.BackgroundRefresh = true;
        var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();
        Assert.Equal(1, _fixture.Time.ActiveTimerCount);

        await provider.DisposeAsync();
        _fixture.Time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(0, _fixture.Time.ActiveTimerCount);
        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task Dispose_WithRefreshInFlight_AbandonsItAndFailsWaiters()
    {
        var provider = _fixture.Create();
        _fixture.Sts.EnqueueHang();
        var waiter = provider.GetCredentialsAsync().AsTask();
        await Eventually.WaitAsync(() => _fixture.Sts.CallCount == 1, "the refresh reaching STS");

        provider.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiter);
    }

    [Fact]
    public async Task GetCredentialsAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var provider = _fixture.Create();
        await provider.GetCredentialsAsync();

        await provider.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => provider.GetCredentialsAsync().AsTask());
        Assert.Throws<ObjectDisposedException>(provider.Invalidate);
        Assert.Throws<ObjectDisposedException>(() => provider.ForRole(new AssumeRoleOptions { RoleArn = ProviderFixture.ReportsArn }));
    }

    [Fact]
    public async Task Dispose_Twice_IsHarmless()
    {
        var provider = _fixture.Create();
        await provider.GetCredentialsAsync();

        provider.Dispose();
        await provider.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => provider.GetCredentialsAsync().AsTask());
    }
}
