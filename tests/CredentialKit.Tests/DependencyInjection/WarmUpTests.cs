using System.Net;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CredentialKit.Tests.DependencyInjection;

public class WarmUpTests
{
    private readonly DependencyInjectionFixture _fixture = new();

    [Fact]
    public async Task StartAsync_ValidProfiles_FetchesEveryProfileBeforeTheHostStarts()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.ReportsArn).WithProfile("billing", DependencyInjectionFixture.BillingArn);
        using var host = _fixture.BuildHost();

        await host.StartAsync();

        Assert.Equal(2, _fixture.Sts.CallCount);
        var factory = host.Services.GetRequiredService<ICredentialProviderFactory>();
        Assert.All(factory.ProfileNames, name => Assert.Equal(CredentialProviderState.Fresh, factory.GetProvider(name).GetStatus().State));
        Assert.Equal(2, _fixture.Logs.WithEventId(101).Count());
        await host.StopAsync();
    }

    [Fact]
    public async Task StartAsync_WarmUpOnStartFalse_MakesNoStsCall()
    {
        _fixture.WithProfile("reports").Set("CredentialKit:WarmUpOnStart", "false");
        using var host = _fixture.BuildHost();

        await host.StartAsync();

        Assert.Equal(0, _fixture.Sts.CallCount);
        Assert.Equal(CredentialProviderState.NoCredentials, host.Services.GetRequiredService<ICredentialProvider>().GetStatus().State);
        await host.StopAsync();
    }

    [Fact]
    public async Task StartAsync_StsErrorRetryingCannotFix_FailsNamingTheProfile()
    {
        _fixture.WithProfile("billing", DependencyInjectionFixture.BillingArn);
        _fixture.Sts.EnqueueError("AccessDenied", HttpStatusCode.Forbidden, "User is not authorized to perform sts:AssumeRole");
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => host.StartAsync());

        Assert.Equal("billing", error.ProfileName);
        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.Equal(DependencyInjectionFixture.BillingArn, error.RoleArn);
        Assert.False(error.IsTransient);
        Assert.StartsWith("CredentialKit could not warm up profile 'billing' at start-up:", error.Message);
        Assert.IsType<CredentialRefreshException>(error.InnerException);
        var logged = Assert.Single(_fixture.Logs.WithEventId(103));
        Assert.Equal(LogLevel.Error, logged.Level);
    }

    [Fact]
    public async Task StartAsync_SharedHubFailsForTwoProfiles_FailsNamingBoth()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.HubArn, DependencyInjectionFixture.ReportsArn)
            .WithProfile("billing", DependencyInjectionFixture.HubArn, DependencyInjectionFixture.BillingArn);
        _fixture.Sts.EnqueueError("AccessDenied", HttpStatusCode.Forbidden);
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<AggregateException>(() => host.StartAsync());

        Assert.Contains("could not warm up 2 profiles", error.Message);
        Assert.Equal(["billing", "reports"], error.InnerExceptions.Cast<CredentialRefreshException>().Select(e => e.ProfileName).Order());
        Assert.Equal(1, _fixture.Sts.CallCount); // one shared hub refresh, and the failure is remembered for both
    }

    [Fact]
    public async Task StartAsync_TransientStsError_StartsAndRetriesInTheBackground()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.ReportsArn)
            .Set(DependencyInjectionFixture.Key("reports", "Refresh:MaxRetryAttempts"), "0")
            .Set(DependencyInjectionFixture.Key("reports", "Refresh:FailedRefreshRetryDelay"), "00:00:30");
        _fixture.Sts.EnqueueError("Throttling", HttpStatusCode.BadRequest, "Rate exceeded", times: 2);
        using var host = _fixture.BuildHost();
        var provider = host.Services.GetRequiredService<ICredentialProvider>();

        await host.StartAsync();

        Assert.Equal(1, _fixture.Sts.CallCount);
        var warning = Assert.Single(_fixture.Logs.WithEventId(102));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("reports", warning["ProfileName"]);
        Assert.Equal("Throttling", warning["ErrorCode"]);
        Assert.Null(warning.Exception);

        _fixture.Time.Advance(TimeSpan.FromSeconds(30)); // first background attempt: throttled again, next in 60 s
        await Eventually.WaitAsync(() => _fixture.Time.NextTimerDueIn == TimeSpan.FromSeconds(60), "the second transient failure to schedule the next attempt");
        _fixture.Time.Advance(TimeSpan.FromSeconds(60));
        await Eventually.WaitAsync(() => _fixture.Logs.WithEventId(104).Any(), "the background warm-up to succeed");

        Assert.Equal(3, _fixture.Sts.CallCount);
        Assert.Equal(TimeSpan.FromSeconds(60), _fixture.Logs.WithEventId(102).Last()["RetryDelay"]);
        Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
        await host.StopAsync();
    }

    [Fact]
    public async Task StopAsync_TransientRetryPending_StopsRetrying()
    {
        _fixture.WithProfile("reports").Set(DependencyInjectionFixture.Key("reports", "Refresh:MaxRetryAttempts"), "0");
        _fixture.Sts.EnqueueError("ServiceUnavailable", HttpStatusCode.ServiceUnavailable);
        using var host = _fixture.BuildHost();
        await host.StartAsync();

        await host.StopAsync();
        _fixture.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task StopAsync_ThenDispose_ProvidersServeUntilDisposedThenThrowObjectDisposed()
    {
        _fixture.WithProfile("reports");
        var host = _fixture.BuildHost();
        var provider = host.Services.GetRequiredKeyedService<ICredentialProvider>("reports");
        await host.StartAsync();

        await host.StopAsync();
        var afterStop = await provider.GetCredentialsAsync(); // services stopping later may still sign requests
        await ((IAsyncDisposable)host).DisposeAsync();

        Assert.StartsWith("ASIAHUB", afterStop.AccessKeyId);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => provider.GetCredentialsAsync().AsTask());
        Assert.Equal(0, _fixture.Time.ActiveTimerCount);
    }
}
