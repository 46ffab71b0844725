using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Caching;

/// <summary>
/// Issue #10 items 1 and 2: a size limit below the working set neither leaks sessions refused by a full cache nor
/// thrashes STS. Held sessions are never evicted; the limit bounds the sessions nobody holds. Timers are counted on the
/// manual clock and gauge series with a <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
public class CacheUnderAbuseTests
{
    private readonly ProviderFixture _fixture = new();
    private readonly string _profile = $"abuse-{Guid.NewGuid():N}";

    private static AssumeRoleOptions Tenant(int i) =>
        new() { RoleArn = $"arn:aws:iam::{100000000000 + i}:role/tenant", ExternalId = $"tenant-{i}" };

    private CredentialKitProfileOptions Profile()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.BackgroundRefresh = true;
        return options;
    }

    private int TenantCalls => _fixture.Sts.Calls.Count(c => c.Request.RoleArn.EndsWith("/tenant", StringComparison.Ordinal));

    [Fact]
    public async Task FullCache_ManyLiveTenants_EverySessionIsCountedAndLeavesNoTimerOrSeriesAfterDisposal()
    {
        // Regression: sessions a full cache refused were dropped from its list but never untracked or disposed: Count
        // said 16 while 1,003 timers ran, and after all disposal their gauge series and timers stayed.
        using var gauge = new GaugeSeries(_profile);
        var cache = new SessionCache(PerRole(_fixture.CacheOptions(sizeLimit: 16)));
        var provider = CredentialProvider.Create(Profile(), cache, _profile);
        var tenants = Enumerable.Range(0, 200).Select(i => provider.ForRole(Tenant(i))).ToList();
        foreach (var tenant in tenants)
        {
            await tenant.GetCredentialsAsync();
        }

        Assert.Equal(201, cache.Count);
        Assert.Equal(201, _fixture.Time.ActiveTimerCount);
        Assert.Equal(201, gauge.Count());

        foreach (var tenant in tenants)
        {
            tenant.Dispose();
        }

        // Unheld tenants keep no timer and no series; at most SizeLimit of them wait in the idle pool.
        Assert.Equal(1, _fixture.Time.ActiveTimerCount);
        Assert.Equal(1, gauge.Count());
        await Eventually.WaitAsync(() => cache.IdleCount <= 16 && cache.Count <= 17, "the idle pool trimmed to its size limit");

        provider.Dispose();
        Assert.Equal(0, _fixture.Time.ActiveTimerCount);
        Assert.Equal(0, gauge.Count());

        cache.Dispose();
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, _fixture.Time.ActiveTimerCount);
        Assert.Equal(0, gauge.Count());
        Assert.Equal(201, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task DisposedCache_HandlesStillHeldByUsers_ThrowObjectDisposedException()
    {
        // Regression: a refused session survived the cache's disposal; its handle kept serving, then failed with
        // "STS answered ObjectDisposedException" instead of an ObjectDisposedException.
        var cache = new SessionCache(PerRole(_fixture.CacheOptions(sizeLimit: 4)));
        await using var provider = CredentialProvider.Create(ProviderFixture.Profile(), cache, _profile);
        var tenants = Enumerable.Range(0, 20).Select(i => provider.ForRole(Tenant(i))).ToList();
        foreach (var tenant in tenants)
        {
            await tenant.GetCredentialsAsync();
        }

        cache.Dispose();

        foreach (var tenant in tenants)
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => tenant.GetCredentialsAsync().AsTask());
            await Assert.ThrowsAsync<ObjectDisposedException>(() => tenant.ToAwsCredentials().GetCredentialsAsync());
            Assert.Equal(CredentialProviderState.Disposed, tenant.GetStatus().State);
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => provider.GetCredentialsAsync().AsTask());
        Assert.Throws<ObjectDisposedException>(() => provider.ForRole(Tenant(99)));
        Assert.Equal(21, _fixture.Sts.CallCount);
        Assert.Equal(0, _fixture.Time.ActiveTimerCount);
    }

    [Fact]
    public async Task LiveWorkingSetAboveSizeLimit_PassesOverWarmTenantsCostNoStsCall()
    {
        // Regression: 3,000 live tenants over SizeLimit = 256 cost ~2,600 AssumeRole calls on every pass, and the
        // number of timers kept growing.
        const int tenantCount = 300;
        using var cache = new SessionCache(PerRole(_fixture.CacheOptions(sizeLimit: 16)));
        await using var provider = CredentialProvider.Create(Profile(), cache, _profile);
        var tenants = Enumerable.Range(0, tenantCount).Select(i => provider.ForRole(Tenant(i))).ToList();
        foreach (var tenant in tenants)
        {
            await tenant.GetCredentialsAsync();
        }

        for (var pass = 0; pass < 3; pass++)
        {
            cache.Compact(1.0); // memory pressure does not touch held sessions either
            foreach (var tenant in tenants)
            {
                await tenant.GetCredentialsAsync();
            }

            Assert.Equal(tenantCount + 1, _fixture.Sts.CallCount);
            Assert.Equal(tenantCount + 1, _fixture.Time.ActiveTimerCount);
            Assert.Equal(tenantCount + 1, cache.Count);
        }

        // Their background refreshes still run once per session per cycle, not once per pass.
        _fixture.Time.Advance(TimeSpan.FromMinutes(45));
        foreach (var tenant in tenants)
        {
            await ProviderFixture.WhenIdleAsync(tenant);
        }

        await ProviderFixture.WhenIdleAsync(provider);
        foreach (var tenant in tenants)
        {
            await tenant.GetCredentialsAsync();
        }

        Assert.Equal(2 * (tenantCount + 1), _fixture.Sts.CallCount);
        Assert.Equal(tenantCount + 1, _fixture.Time.ActiveTimerCount);
    }

    [Fact]
    public async Task PerRequestForRoleHandles_ReuseIdleSessionsWithinTheSizeLimit()
    {
        using var gauge = new GaugeSeries(_profile);
        using var cache = new SessionCache(PerRole(_fixture.CacheOptions(sizeLimit: 16)));
        await using var provider = CredentialProvider.Create(Profile(), cache, _profile);

        for (var request = 0; request < 200; request++)
        {
            await using var tenant = provider.ForRole(Tenant(request % 10));
            Assert.StartsWith("ASIATENANT", (await tenant.GetCredentialsAsync()).AccessKeyId);
        }

        Assert.Equal(10, TenantCalls); // each tenant assumed once, then taken back from the idle pool
        Assert.Equal(10, cache.IdleCount);
        Assert.Equal(1, _fixture.Time.ActiveTimerCount); // only the held hub refreshes in the background
        Assert.Equal(1, gauge.Count());
    }

    [Fact]
    public async Task PerRequestForRoleHandles_MoreTenantsThanTheSizeLimit_IdlePoolStaysBounded()
    {
        using var gauge = new GaugeSeries(_profile);
        using var cache = new SessionCache(PerRole(_fixture.CacheOptions(sizeLimit: 16)));
        await using var provider = CredentialProvider.Create(Profile(), cache, _profile);

        for (var request = 0; request < 500; request++)
        {
            await using var tenant = provider.ForRole(Tenant(request));
            await tenant.GetCredentialsAsync();
        }

        await Eventually.WaitAsync(() => cache.IdleCount <= 16 && cache.Count <= 17, "the idle pool trimmed to its size limit");
        Assert.Equal(1, _fixture.Time.ActiveTimerCount);
        Assert.Equal(1, gauge.Count());
        Assert.Equal(500, TenantCalls);
    }

    [Fact]
    public async Task HeldSession_SurvivesFullCompaction_AndIsTheSameSession()
    {
        using var cache = new SessionCache(PerRole(_fixture.CacheOptions(sizeLimit: 1)));
        await using var provider = CredentialProvider.Create(ProviderFixture.Profile(), cache, _profile);
        await provider.GetCredentialsAsync();
        var session = ProviderFixture.SessionOf(provider);

        cache.Compact(1.0);
        _fixture.Time.Advance(TimeSpan.FromHours(2)); // expired, but held: stays, and is refreshed on the next call
        cache.Compact(0);
        await provider.GetCredentialsAsync();

        Assert.Same(session, ProviderFixture.SessionOf(provider));
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task ConcurrentPerRequestHandles_OnFewTenants_NeverFailAndLeaveNothingBehind()
    {
        using var gauge = new GaugeSeries(_profile);
        var cache = new SessionCache(PerRole(_fixture.CacheOptions(sizeLimit: 2)));
        var provider = CredentialProvider.Create(Profile(), cache, _profile);

        var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await using var tenant = provider.ForRole(Tenant((w + i) % 6));
                Assert.StartsWith("ASIATENANT", (await tenant.GetCredentialsAsync()).AccessKeyId);
            }
        }));
        await Task.WhenAll(workers);

        Assert.Equal(1, _fixture.Time.ActiveTimerCount);
        Assert.Equal(1, gauge.Count());
        await Eventually.WaitAsync(() => cache.IdleCount <= 2, "the idle pool trimmed to its size limit");
        provider.Dispose();
        cache.Dispose();
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, _fixture.Time.ActiveTimerCount);
        Assert.Equal(0, gauge.Count());
    }

    /// <summary>These tests count one gauge series per held session, so they turn per-role series on.</summary>
    private static SessionCacheOptions PerRole(SessionCacheOptions options)
    {
        options.PerRoleMetrics = true;
        return options;
    }
}
