using System.Net;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Refresh;

/// <summary>
/// Regression tests for issue #9: the refresh engine on a clock as unkind as production's (timers early or late, a
/// local clock skewed against STS's, timer due-time limits). Each fails on the engine before the fix.
/// </summary>
public class AdversarialClockTests
{
    private readonly AdversarialFixture _fixture = new();

    [Fact]
    public async Task Timer_FiresEarly_ReArmsAndIdleSessionStaysFresh()
    {
        // Every timer fires 10 % of its due time early (the system clock: a few ms; a fake clock must exaggerate).
        _fixture.Local.TimerError = due => -(due / 10);
        await using var provider = _fixture.Create();
        await provider.GetCredentialsAsync();

        await _fixture.RunAsync(TimeSpan.FromHours(5), TimeSpan.FromMinutes(1), [provider], () =>
        {
            Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
            Assert.True(_fixture.TrueRemaining(provider) >= TimeSpan.FromMinutes(1));
            return Task.CompletedTask;
        });

        // 1-hour sessions refreshed 15 minutes ahead: one every 45 minutes, never more than one per cycle.
        Assert.InRange(_fixture.Sts.CallCount, 1 + 6, 1 + 7);
    }

    [Fact]
    public async Task Timer_FiresLate_RefreshesWhenItFires()
    {
        _fixture.Local.TimerError = _ => TimeSpan.FromSeconds(20);
        await using var provider = _fixture.Create();
        await provider.GetCredentialsAsync();

        await _fixture.RunAsync(TimeSpan.FromHours(3), TimeSpan.FromSeconds(30), [provider], () =>
        {
            Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
            return Task.CompletedTask;
        });

        Assert.InRange(_fixture.Sts.CallCount, 1 + 3, 1 + 4);
    }

    [Fact]
    public async Task Expiration_BeyondSystemTimerLimit_TimerClampedAndReArmedUntilTheRefreshMoment()
    {
        _fixture.Sts.Lifetime = TimeSpan.FromDays(60);
        _fixture.Sts.SendsDateHeader = false; // a 60-day session is not an STS one; plan it on the local clock
        await using var provider = _fixture.Create();
        await provider.GetCredentialsAsync();
        await AdversarialFixture.SettleAsync([provider]);

        var status = provider.GetStatus();
        Assert.Equal(CredentialProviderState.Fresh, status.State);
        Assert.Null(status.LastErrorCode);
        Assert.True(_fixture.Local.ArmedTimerCount >= 1, "the refresh timer is armed");

        // The refresh moment is 60 minutes before expiry (the window's ceiling); the timer re-arms every day until then.
        await _fixture.RunAsync(TimeSpan.FromDays(60) - TimeSpan.FromMinutes(61), TimeSpan.FromDays(1) / 4, [provider]);
        Assert.Equal(1, _fixture.Sts.CallCount);
        await _fixture.RunAsync(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1), [provider]);
        Assert.Equal(2, _fixture.Sts.CallCount);
        Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ShortSessions_DefaultWindow_NoRefreshStorm(bool backgroundRefresh)
    {
        // 30 s sessions (LocalSts, a SAML session cut short): the default window's 1-minute floor is longer than that.
        _fixture.Sts.Lifetime = TimeSpan.FromSeconds(30);
        var options = AdversarialFixture.Profile();
        options.Refresh.MinimumLifetime = TimeSpan.FromSeconds(5);
        options.Refresh.BackgroundRefresh = backgroundRefresh;
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();

        await _fixture.RunAsync(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100), [provider], async () =>
        {
            await provider.GetCredentialsAsync();
            Assert.True(_fixture.TrueRemaining(provider) >= TimeSpan.FromSeconds(5));
        });
        await AdversarialFixture.SettleAsync([provider]);

        // The window is capped at half the session: a refresh every 15 s at most, so 1 + 4 in 60 s (+1 in flight).
        Assert.InRange(_fixture.Sts.CallCount, 4, 6);
    }

    [Fact]
    public async Task SessionShorterThanConfiguredWindow_WindowCappedAtHalfItsLifetime()
    {
        // Valid for the configured 1-hour Duration, but STS cut the session to 15 minutes (SAML SessionNotOnOrAfter).
        _fixture.Sts.Lifetime = TimeSpan.FromMinutes(15);
        var options = AdversarialFixture.Profile();
        options.Refresh.RefreshAhead = TimeSpan.FromMinutes(20);
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();

        await _fixture.RunAsync(TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(10), [provider]);

        // Refreshed at 7.5 min, 15 min, 22.5 min and 30 min: one call per half lifetime, not one per timer tick.
        Assert.InRange(_fixture.Sts.CallCount, 4, 5);
    }

    [Fact]
    public async Task LocalClockBehindSts_NeverHandsOutCredentialsExpiredInTrueTime()
    {
        _fixture.Local.Skew = TimeSpan.FromSeconds(-20);
        _fixture.Sts.Lifetime = TimeSpan.FromSeconds(30);
        var options = AdversarialFixture.Profile();
        options.Refresh.MinimumLifetime = TimeSpan.FromSeconds(3);
        await using var provider = _fixture.Create(options);

        var reads = 0;
        await _fixture.RunAsync(TimeSpan.FromSeconds(100), TimeSpan.FromMilliseconds(250), [provider], async () =>
        {
            var credentials = await provider.GetCredentialsAsync();
            reads++;
            Assert.True(credentials.Expiration - _fixture.TrueTime.GetUtcNow() >= TimeSpan.FromSeconds(3),
                $"read {reads} got credentials with {credentials.Expiration - _fixture.TrueTime.GetUtcNow()} left in true time");
        });

        var status = provider.GetStatus();
        Assert.NotNull(status.ClockSkew);
        Assert.InRange(status.ClockSkew!.Value.TotalSeconds, 19, 21);
        Assert.InRange(status.RemainingLifetime!.Value.TotalSeconds, 3, 30);
        Assert.NotEmpty(_fixture.Logs.WithEventId(31));
    }

    [Fact]
    public async Task LocalClockAheadOfSts_RefreshesOncePerCycleNotPerTick()
    {
        _fixture.Local.Skew = TimeSpan.FromSeconds(20);
        _fixture.Sts.Lifetime = TimeSpan.FromSeconds(30);
        var options = AdversarialFixture.Profile();
        options.Refresh.MinimumLifetime = TimeSpan.FromSeconds(3);
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();

        await _fixture.RunAsync(TimeSpan.FromSeconds(70), TimeSpan.FromMilliseconds(250), [provider], async () =>
        {
            await provider.GetCredentialsAsync();
            Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
        });

        // 30 s sessions refreshed after half their life: about 5 in 70 s (the broken engine made about 95).
        Assert.InRange(_fixture.Sts.CallCount, 4, 7);
        Assert.InRange(provider.GetStatus().ClockSkew!.Value.TotalSeconds, -21, -19);
    }

    [Fact]
    public async Task NoDateHeader_FallsBackToTheLocalClock()
    {
        _fixture.Sts.SendsDateHeader = false;
        await using var provider = _fixture.Create();
        var credentials = await provider.GetCredentialsAsync();

        var status = provider.GetStatus();
        Assert.Null(status.ClockSkew);
        Assert.Equal(credentials.Expiration, status.Expiration);
        Assert.Equal(credentials.Expiration - _fixture.Local.GetUtcNow(), status.RemainingLifetime);
    }

    [Fact]
    public async Task PlannedOnStsClock_ExpirationStaysStsValue()
    {
        _fixture.Local.Skew = TimeSpan.FromMinutes(-3);
        await using var provider = _fixture.Create();
        var credentials = await provider.GetCredentialsAsync();

        // What STS said, untouched; only the plan moves.
        Assert.Equal(_fixture.TrueTime.GetUtcNow() + TimeSpan.FromHours(1), credentials.Expiration);
        Assert.Equal(credentials.Expiration, provider.GetStatus().Expiration);
    }

    [Fact]
    public async Task Outage_NothingUsable_CallersShareOneBackoffAndGetTheLastErrorAtOnce()
    {
        var options = AdversarialFixture.Profile();
        options.Refresh.MaxRetryAttempts = 0;
        await using var provider = _fixture.Create(options);
        _fixture.Sts.EnqueueError("ServiceUnavailable", HttpStatusCode.ServiceUnavailable, times: 1000);

        var first = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());
        for (var i = 0; i < 100; i++)
        {
            var again = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());
            Assert.Equal(first.ErrorCode, again.ErrorCode);
            Assert.True(again.IsTransient);
        }

        Assert.Equal(1, _fixture.Sts.CallCount);

        // Over a minute of outage with a caller every 10 ms, the doubling backoff (1 s → 15 s) allows a handful of calls;
        // without it every caller started its own series (about 6,000 here).
        await _fixture.RunAsync(TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(10), [provider], async () =>
        {
            try
            {
                await provider.GetCredentialsAsync();
            }
            catch (CredentialRefreshException)
            {
            }
        });
        Assert.InRange(_fixture.Sts.CallCount, 4, 20);
    }

    [Fact]
    public async Task Outage_Ends_RecoveryWithinTheShortBackoff()
    {
        var options = AdversarialFixture.Profile();
        options.Refresh.MaxRetryAttempts = 0;
        await using var provider = _fixture.Create(options);
        _fixture.Sts.EnqueueError("ServiceUnavailable", HttpStatusCode.ServiceUnavailable, times: 10);
        for (var i = 0; i < 10; i++)
        {
            await AdversarialFixture.SettleAsync([provider]);
            try
            {
                await provider.GetCredentialsAsync();
            }
            catch (CredentialRefreshException)
            {
            }

            _fixture.TrueTime.Advance(TimeSpan.FromSeconds(15));
        }

        // STS answers again: within one maximal backoff (15 s) a caller gets a session.
        _fixture.TrueTime.Advance(TimeSpan.FromSeconds(15));
        await AdversarialFixture.SettleAsync([provider]);
        var credentials = await provider.GetCredentialsAsync();
        Assert.NotNull(credentials);
        Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
    }

    [Fact]
    public async Task Outage_HeldIdleSession_TimerRetriesAfterTheBackoffAndRecovers()
    {
        var options = AdversarialFixture.Profile();
        options.Refresh.MaxRetryAttempts = 0;
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();
        _fixture.Sts.EnqueueError("ServiceUnavailable", HttpStatusCode.ServiceUnavailable, times: 30);

        // Through the refresh window and past expiry with nobody calling: the timer keeps trying, spaced by backoff.
        await _fixture.RunAsync(TimeSpan.FromMinutes(75), TimeSpan.FromSeconds(5), [provider]);

        Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
        Assert.InRange(_fixture.Sts.CallCount, 32, 40);
    }

    [Fact]
    public async Task CancelledCaller_NoSession_GetsCancellationAndStartsNoStsCall()
    {
        await using var provider = _fixture.Create();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.GetCredentialsAsync(cancelled.Token).AsTask());
        await AdversarialFixture.SettleAsync([provider]);

        Assert.Equal(0, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task CancelledCaller_InsideRefreshWindow_StartsNoRefresh()
    {
        var options = AdversarialFixture.Profile();
        options.Refresh.BackgroundRefresh = false;
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();
        _fixture.TrueTime.Advance(TimeSpan.FromMinutes(50));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.GetCredentialsAsync(cancelled.Token).AsTask());
        await AdversarialFixture.SettleAsync([provider]);

        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task Dispose_LeavesNoTimerArmed()
    {
        var provider = _fixture.Create(AdversarialFixture.Profile(ProviderFixture.HubArn, ProviderFixture.ReportsArn));
        await provider.GetCredentialsAsync();
        Assert.True(_fixture.Local.ArmedTimerCount >= 2);

        await provider.DisposeAsync();

        Assert.Equal(0, _fixture.Local.ArmedTimerCount);
    }
}
