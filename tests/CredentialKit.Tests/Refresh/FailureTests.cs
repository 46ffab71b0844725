using System.Net;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Logging;

namespace CredentialKit.Tests.Refresh;

public class FailureTests
{
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task RefreshFails_WhileSessionStillValid_KeepsServingCachedAndLogsWarning()
    {
        await using var provider = _fixture.Create();
        var first = await provider.GetCredentialsAsync();
        _fixture.Sts.EnqueueError("AccessDenied", HttpStatusCode.Forbidden);

        _fixture.Time.Advance(TimeSpan.FromMinutes(45));
        Assert.Same(first, Completed.Result(provider.GetCredentialsAsync()));
        await ProviderFixture.WhenIdleAsync(provider);

        Assert.Same(first, Completed.Result(provider.GetCredentialsAsync()));
        var warning = Assert.Single(_fixture.Logs.WithEventId(5));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("AccessDenied", warning["ErrorCode"]);
        var status = provider.GetStatus();
        Assert.Equal(CredentialProviderState.ServingCachedAfterFailure, status.State);
        Assert.Equal("AccessDenied", status.LastErrorCode);
    }

    [Fact]
    public async Task RefreshFails_WhileValid_CallersDoNotRetryBeforeTheScheduledMoment()
    {
        await using var provider = _fixture.Create();
        await provider.GetCredentialsAsync();
        _fixture.Sts.EnqueueError("AccessDenied", HttpStatusCode.Forbidden);
        _fixture.Time.Advance(TimeSpan.FromMinutes(45));
        await provider.GetCredentialsAsync();
        await ProviderFixture.WhenIdleAsync(provider);

        // Random 0 → 80 % of the 30 s FailedRefreshRetryDelay: 24 s.
        _fixture.Time.Advance(TimeSpan.FromSeconds(24) - TimeSpan.FromTicks(1));
        for (var i = 0; i < 50; i++)
        {
            await provider.GetCredentialsAsync();
        }

        await ProviderFixture.WhenIdleAsync(provider);
        Assert.Equal(2, _fixture.Sts.CallCount);

        _fixture.Time.Advance(TimeSpan.FromTicks(1));
        await provider.GetCredentialsAsync();
        await ProviderFixture.WhenIdleAsync(provider);
        Assert.Equal(3, _fixture.Sts.CallCount);
        Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
    }

    [Fact]
    public async Task RefreshFails_Repeatedly_RetryDelayDoublesAndTimerRetriesWithoutCallers()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.BackgroundRefresh = true;
        _fixture.RandomValue = 0.999_999_999; // jitter at its top: the full delay
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();
        _fixture.Sts.EnqueueError("AccessDenied", HttpStatusCode.Forbidden, times: 3);

        _fixture.Time.Advance(TimeSpan.FromMinutes(45)); // timer: attempt 1 fails
        await ProviderFixture.WhenIdleAsync(provider);
        _fixture.Time.Advance(TimeSpan.FromSeconds(30)); // attempt 2 after ~30 s fails
        await ProviderFixture.WhenIdleAsync(provider);
        Assert.Equal(3, _fixture.Sts.CallCount);

        _fixture.Time.Advance(TimeSpan.FromSeconds(59)); // next after ~60 s: not yet
        await ProviderFixture.WhenIdleAsync(provider);
        Assert.Equal(3, _fixture.Sts.CallCount);
        _fixture.Time.Advance(TimeSpan.FromSeconds(1)); // attempt 3 fails
        await ProviderFixture.WhenIdleAsync(provider);
        Assert.Equal(4, _fixture.Sts.CallCount);
        _fixture.Time.Advance(TimeSpan.FromSeconds(120)); // attempt 4 succeeds
        await ProviderFixture.WhenIdleAsync(provider);

        Assert.Equal(5, _fixture.Sts.CallCount);
        Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
    }

    [Fact]
    public async Task RefreshFails_NearMinimumLifetime_RetryIsNeverLaterThanUsability()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.BackgroundRefresh = true;
        options.Refresh.FailedRefreshRetryDelay = TimeSpan.FromMinutes(30);
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();
        _fixture.Sts.EnqueueError("AccessDenied", HttpStatusCode.Forbidden);

        _fixture.Time.Advance(TimeSpan.FromMinutes(45)); // fails; 30 min × 0.8 would be past 59:00
        await ProviderFixture.WhenIdleAsync(provider);
        _fixture.Time.Advance(TimeSpan.FromMinutes(14)); // 59:00: the last moment the session is usable
        await ProviderFixture.WhenIdleAsync(provider);

        Assert.Equal(3, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task RefreshFails_WithNothingUsable_ThrowsNamingRoleProfileCodeAndAttempts()
    {
        await using var provider = _fixture.Create(profileName: "reports");
        var original = StsStub.Error("AccessDenied", HttpStatusCode.Forbidden, "User is not authorized to perform: sts:AssumeRole");
        _fixture.Sts.EnqueueException(original);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal(ProviderFixture.HubArn, error.RoleArn);
        Assert.Equal("reports", error.ProfileName);
        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.Equal(1, error.Attempts);
        Assert.False(error.IsTransient);
        Assert.Same(original, error.InnerException);
        Assert.Contains(ProviderFixture.HubArn, error.Message);
        Assert.Contains("'reports'", error.Message);
        Assert.Contains("AccessDenied", error.Message);
        var logged = Assert.Single(_fixture.Logs.WithEventId(3));
        Assert.Equal(LogLevel.Error, logged.Level);
    }

    [Fact]
    public async Task RefreshFails_NonRetryable_IsCachedForErrorCacheDuration()
    {
        await using var provider = _fixture.Create();
        _fixture.Sts.EnqueueError("AccessDenied", HttpStatusCode.Forbidden);
        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        _fixture.Time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        for (var i = 0; i < 20; i++)
        {
            var cached = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());
            Assert.Equal("AccessDenied", cached.ErrorCode);
        }

        Assert.Equal(1, _fixture.Sts.CallCount);
        _fixture.Time.Advance(TimeSpan.FromTicks(1));
        await provider.GetCredentialsAsync();
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task RefreshFails_Transient_RetriedOnceTheSharedBackoffEnds()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.MaxRetryAttempts = 0;
        await using var provider = _fixture.Create(options);
        _fixture.Sts.EnqueueError("Throttling", message: "Rate exceeded");
        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        // Random 0 → the backoff's jitter floor: half of the first 1 s step.
        _fixture.Time.Advance(TimeSpan.FromMilliseconds(500));
        await provider.GetCredentialsAsync();

        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task Invalidate_ClearsCachedFailure()
    {
        await using var provider = _fixture.Create();
        _fixture.Sts.EnqueueError("AccessDenied", HttpStatusCode.Forbidden);
        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        provider.Invalidate();
        await provider.GetCredentialsAsync();

        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task GetStatus_NoSession_ReportsNoCredentials()
    {
        await using var provider = _fixture.Create();

        var status = provider.GetStatus();

        Assert.Equal(CredentialProviderState.NoCredentials, status.State);
        Assert.Null(status.Expiration);
        Assert.Equal(0, status.RefreshCount);
    }

    [Fact]
    public async Task GetStatus_BelowMinimumLifetime_ReportsIt()
    {
        await using var provider = _fixture.Create();
        await provider.GetCredentialsAsync();

        _fixture.Time.Advance(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(1));

        Assert.Equal(CredentialProviderState.BelowMinimumLifetime, provider.GetStatus().State);
    }
}
