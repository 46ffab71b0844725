using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Refresh;

public class BackgroundRefreshTests
{
    private readonly ProviderFixture _fixture = new();

    private CredentialKitProfileOptions WithTimer()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.BackgroundRefresh = true;
        return options;
    }

    [Fact]
    public async Task Timer_AtRefreshMoment_RefreshesWithoutAnyCaller()
    {
        await using var provider = _fixture.Create(WithTimer());
        var first = await provider.GetCredentialsAsync();

        _fixture.Time.Advance(TimeSpan.FromMinutes(45));
        await ProviderFixture.WhenIdleAsync(provider);

        Assert.Equal(2, _fixture.Sts.CallCount);
        Assert.NotEqual(first.AccessKeyId, provider.GetStatus().MaskedAccessKeyId);
        var current = Completed.Result(provider.GetCredentialsAsync());
        Assert.NotSame(first, current);
    }

    [Fact]
    public async Task Timer_BeforeRefreshMoment_DoesNotRefresh()
    {
        await using var provider = _fixture.Create(WithTimer());
        await provider.GetCredentialsAsync();

        _fixture.Time.Advance(TimeSpan.FromMinutes(45) - TimeSpan.FromTicks(1));
        await ProviderFixture.WhenIdleAsync(provider);

        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task Timer_IdleServiceForADay_KeepsAFreshSessionAtAllTimes()
    {
        await using var provider = _fixture.Create(WithTimer());
        await provider.GetCredentialsAsync();

        for (var minute = 0; minute < 24 * 60; minute += 5)
        {
            _fixture.Time.Advance(TimeSpan.FromMinutes(5));
            await ProviderFixture.WhenIdleAsync(provider);
            var status = provider.GetStatus();
            Assert.Equal(CredentialProviderState.Fresh, status.State);
            Assert.True(status.RemainingLifetime > TimeSpan.FromMinutes(15) - TimeSpan.FromMinutes(5));
        }

        // One session per 45 minutes over 24 hours, plus the first.
        Assert.Equal(1 + (24 * 60 / 45), _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task BackgroundRefreshOff_NoCaller_NoStsCall()
    {
        await using var provider = _fixture.Create(); // fixture profile has BackgroundRefresh = false
        await provider.GetCredentialsAsync();

        _fixture.Time.Advance(TimeSpan.FromMinutes(50));
        await ProviderFixture.WhenIdleAsync(provider);

        Assert.Equal(1, _fixture.Sts.CallCount);
        Assert.Equal(0, _fixture.Time.ActiveTimerCount);
    }
}
