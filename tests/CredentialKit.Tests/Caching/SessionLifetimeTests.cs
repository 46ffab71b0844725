using System.Diagnostics.Metrics;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialKit.Tests.Caching;

/// <summary>Sessions refresh in the background only while some provider (or a child hop of one) still holds them.</summary>
public class SessionLifetimeTests
{
    private readonly ProviderFixture _fixture = new();

    private CredentialKitProfileOptions Chain()
    {
        var options = ProviderFixture.Profile(ProviderFixture.HubArn, ProviderFixture.ReportsArn);
        options.Refresh.BackgroundRefresh = true;
        return options;
    }

    [Fact]
    public async Task DisposedProviderOverSharedCache_StopsRefreshingItsChain()
    {
        using var cache = new SessionCache(_fixture.CacheOptions());
        var provider = CredentialProvider.Create(Chain(), cache);
        await provider.GetCredentialsAsync();
        Assert.Equal(2, _fixture.Time.ActiveTimerCount); // hub and reports

        provider.Dispose();
        _fixture.Time.Advance(TimeSpan.FromHours(3));

        Assert.Equal(0, _fixture.Time.ActiveTimerCount);
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task SharedHub_KeepsRefreshingWhileAnotherProviderUsesIt()
    {
        using var cache = new SessionCache(_fixture.CacheOptions());
        var reports = CredentialProvider.Create(Chain(), cache, "reports");
        var hubOnly = ProviderFixture.Profile(ProviderFixture.HubArn);
        hubOnly.Refresh.BackgroundRefresh = true;
        await using var hub = CredentialProvider.Create(hubOnly, cache, "hub");
        await reports.GetCredentialsAsync();
        await hub.GetCredentialsAsync();

        reports.Dispose();
        _fixture.Time.Advance(TimeSpan.FromMinutes(45));
        await ProviderFixture.WhenIdleAsync(hub);

        Assert.Equal(3, _fixture.Sts.CallCount); // hub, reports, and the hub's background refresh only
        Assert.Equal(ProviderFixture.HubArn, _fixture.Sts.Calls[2].Request.RoleArn);
        Assert.Equal(1, _fixture.Time.ActiveTimerCount);
    }

    [Fact]
    public async Task ForRoleHandle_Disposed_StopsTheTenantRefreshButNotTheParent()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.BackgroundRefresh = true;
        await using var provider = _fixture.Create(options);
        var tenant = provider.ForRole(new AssumeRoleOptions { RoleArn = "arn:aws:iam::123456789012:role/tenant" });
        await tenant.GetCredentialsAsync();
        Assert.Equal(2, _fixture.Time.ActiveTimerCount);

        tenant.Dispose();

        Assert.Equal(1, _fixture.Time.ActiveTimerCount);
        _fixture.Time.Advance(TimeSpan.FromMinutes(45));
        await ProviderFixture.WhenIdleAsync(provider);
        Assert.Equal(3, _fixture.Sts.CallCount);
        Assert.Equal(ProviderFixture.HubArn, _fixture.Sts.Calls[2].Request.RoleArn);
    }

    [Fact]
    public async Task ReleasedSession_StillServesCallersAndRefreshesOnDemand()
    {
        using var cache = new SessionCache(_fixture.CacheOptions());
        var first = CredentialProvider.Create(Chain(), cache);
        await first.GetCredentialsAsync();
        first.Dispose();

        await using var second = CredentialProvider.Create(Chain(), cache);
        var cached = await second.GetCredentialsAsync();

        Assert.Equal(2, _fixture.Sts.CallCount); // the released sessions were picked up again, not re-assumed
        Assert.StartsWith("ASIAREPORTS", cached.AccessKeyId);
        Assert.Equal(2, _fixture.Time.ActiveTimerCount); // and they refresh in the background again
    }

    [Fact]
    public async Task ConcurrentLeasesAndReleases_OfOneChain_EndWithEveryHopPooledAndNoTimerNorGauge()
    {
        // Handles on a two-hop chain and on tenants of it, taken and released from many threads at once: each hop is held
        // exactly while something leases it, so once all are released every hop waits in the pool, with no timer and no
        // gauge series, whatever the interleaving. Its own meter factory: the shared gauge table counts every test's sessions.
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = _fixture.CacheOptions();
        options.MeterFactory = services.GetRequiredService<IMeterFactory>();
        using var cache = new SessionCache(options);
        await using (var first = CredentialProvider.Create(Chain(), cache, "chain"))
        {
            await first.GetCredentialsAsync();
        }

        var tenantRoles = Enumerable.Range(0, 4)
            .Select(i => new AssumeRoleOptions { RoleArn = $"arn:aws:iam::123456789012:role/tenant-{i}", RoleSessionName = "tenant" })
            .ToArray();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var round = 0; round < 50; round++)
            {
                using var chain = CredentialProvider.Create(Chain(), cache, "chain");
                using var tenant = chain.ForRole(tenantRoles[(worker + round) % tenantRoles.Length]);
                await tenant.GetCredentialsAsync();
            }
        })));

        Assert.Equal(6, cache.Count); // hub, reports and four tenants: one session each, however many handles came and went
        Assert.Equal(6, cache.IdleCount);
        Assert.Equal(0, cache.Context.Telemetry.TrackedSessionCount);
        Assert.Equal(0, _fixture.Time.ActiveTimerCount);
        Assert.Equal(6, _fixture.Sts.CallCount);
    }
}
