using System.Net;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace CredentialKit.Tests.DependencyInjection;

public class HealthCheckTests
{
    private readonly DependencyInjectionFixture _fixture = new();

    [Fact]
    public async Task CheckHealthAsync_EveryProfileFresh_IsHealthyWithLifetimesAndNoSecrets()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.ReportsArn).WithProfile("billing", DependencyInjectionFixture.BillingArn);
        using var host = await StartHostAsync();
        _fixture.Time.Advance(TimeSpan.FromMinutes(10));

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("All 2 CredentialKit profile(s) are fresh.", entry.Description);
        Assert.Equal("Fresh", entry.Data["reports:state"]);
        Assert.Equal(3000L, entry.Data["reports:remainingLifetimeSeconds"]);
        Assert.Equal(3000L, entry.Data["billing:remainingLifetimeSeconds"]);
        Assert.False(entry.Data.ContainsKey("reports:lastErrorCode"));
        AssertNoSecret(entry);
    }

    [Fact]
    public async Task CheckHealthAsync_OneProfileBelowMinimumLifetime_IsDegradedNamingIt()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.ReportsArn)
            .WithProfile("billing", DependencyInjectionFixture.BillingArn)
            .Set(DependencyInjectionFixture.Key("billing", "Roles:0:Duration"), "02:00:00");
        using var host = await StartHostAsync();
        _fixture.Time.Advance(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(30)); // reports: 30 s left, below its 1-minute minimum

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("CredentialKit: profile 'reports' is below its minimum lifetime (0:30 left).", entry.Description);
        Assert.Equal("BelowMinimumLifetime", entry.Data["reports:state"]);
        Assert.Equal(30L, entry.Data["reports:remainingLifetimeSeconds"]);
        Assert.Equal("Fresh", entry.Data["billing:state"]);
        AssertNoSecret(entry);
    }

    [Fact]
    public async Task CheckHealthAsync_RefreshFailedWhileCachedSessionUsable_IsDegradedWithTheErrorCode()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.ReportsArn)
            .Set(DependencyInjectionFixture.Key("reports", "Refresh:MaxRetryAttempts"), "0");
        using var host = await StartHostAsync();
        var provider = host.Services.GetRequiredService<ICredentialProvider>();
        _fixture.Time.Advance(TimeSpan.FromMinutes(50)); // inside the 15-minute refresh-ahead window
        _fixture.Sts.EnqueueError("Throttling", HttpStatusCode.BadRequest, "Rate exceeded");
        await provider.GetCredentialsAsync(); // served from cache; starts the refresh that fails
        await DependencyInjectionFixture.WhenIdleAsync(provider);

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.StartsWith("CredentialKit: profile 'reports' serves cached credentials after a failed refresh (10:00 left, last error Throttling)", entry.Description);
        Assert.Equal("ServingCachedAfterFailure", entry.Data["reports:state"]);
        Assert.Equal("Throttling", entry.Data["reports:lastErrorCode"]);
        AssertNoSecret(entry);
    }

    [Fact]
    public async Task CheckHealthAsync_PrimaryEndpointDown_ReportsItAndSinceWhen_WithoutChangingTheStatus()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.ReportsArn)
            .Set(DependencyInjectionFixture.Key("reports", "Sts:Region"), "us-east-1")
            .Set(DependencyInjectionFixture.Key("reports", "Sts:FallbackRegions:0"), "us-west-2")
            .Set(DependencyInjectionFixture.Key("reports", "Refresh:MaxRetryAttempts"), "0");
        _fixture.Sts.EndpointFault = sts => sts.Region == "us-east-1" ? new HttpRequestException("connection refused") : null;
        var since = _fixture.Time.GetUtcNow();
        using var host = await StartHostAsync();
        Assert.Equal("us-west-2", (await host.Services.GetRequiredService<ICredentialProvider>().GetCredentialsAsync()).Region);

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        var line = Assert.Single(Assert.IsType<string[]>(entry.Data["reports:unavailableEndpoints"]));
        Assert.StartsWith($"us-east-1 unavailable since {since:O} (NetworkError), next probe at ", line);
        AssertNoSecret(entry);
    }

    [Fact]
    public async Task CheckHealthAsync_OneProfileWithoutCredentials_IsUnhealthyNamingIt()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.ReportsArn)
            .WithProfile("billing", DependencyInjectionFixture.BillingArn)
            .Set("CredentialKit:WarmUpOnStart", "false");
        using var host = await StartHostAsync();
        var factory = host.Services.GetRequiredService<ICredentialProviderFactory>();
        await factory.GetProvider("reports").GetCredentialsAsync();
        _fixture.Sts.EnqueueError("AccessDenied", HttpStatusCode.Forbidden, "not authorized");
        await Assert.ThrowsAsync<CredentialRefreshException>(() => factory.GetProvider("billing").GetCredentialsAsync().AsTask());

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("CredentialKit: profile 'billing' has no credentials, last error AccessDenied.", entry.Description);
        Assert.Equal("NoCredentials", entry.Data["billing:state"]);
        Assert.Equal("AccessDenied", entry.Data["billing:lastErrorCode"]);
        Assert.False(entry.Data.ContainsKey("billing:remainingLifetimeSeconds"));
        Assert.Equal("Fresh", entry.Data["reports:state"]);
        AssertNoSecret(entry);
    }

    [Fact]
    public async Task CheckHealthAsync_CustomNameAndFailureStatus_AreUsed()
    {
        _fixture.WithProfile("reports").Set("CredentialKit:WarmUpOnStart", "false");
        using var host = await StartHostAsync(checks => checks.AddCredentialKitHealthCheck("aws-credentials", HealthStatus.Degraded, ["ready"]));

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries["aws-credentials"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal(["ready"], entry.Tags);
    }

    [Fact]
    public void AddCredentialKitHealthCheck_NullBuilder_Throws() =>
        Assert.Throws<ArgumentNullException>(() => ((IHealthChecksBuilder)null!).AddCredentialKitHealthCheck());

    private static async Task<HealthReportEntry> CheckAsync(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["credentialkit"];
    }

    private async Task<IHost> StartHostAsync(Action<IHealthChecksBuilder>? checks = null)
    {
        var host = _fixture.BuildHost((services, configuration) =>
        {
            services.AddCredentialKit(configuration.GetSection("CredentialKit"));
            var builder = services.AddHealthChecks();
            (checks ?? (b => b.AddCredentialKitHealthCheck()))(builder);
        });
        await host.StartAsync();
        return host;
    }

    private void AssertNoSecret(HealthReportEntry entry)
    {
        var text = string.Join("\n", entry.Data.Select(p => $"{p.Key}={p.Value}").Append(entry.Description));
        Assert.DoesNotContain(ProviderFixture.SourceSecret, text);
        Assert.DoesNotContain(ProviderFixture.SourceAccessKeyId, text);
        Assert.DoesNotContain("ASIA", text);
        Assert.All(_fixture.Sts.IssuedSecrets, secret => Assert.DoesNotContain(secret, text));
    }
}
