using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Caching;

public class SessionCacheTests
{
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task TwoProvidersSharingAChainPrefix_ShareTheHubSession()
    {
        using var cache = new SessionCache(_fixture.CacheOptions());
        await using var reports = CredentialProvider.Create(ProviderFixture.Profile(ProviderFixture.HubArn, ProviderFixture.ReportsArn), cache, "reports");
        await using var billing = CredentialProvider.Create(ProviderFixture.Profile(ProviderFixture.HubArn, ProviderFixture.BillingArn), cache, "billing");

        await reports.GetCredentialsAsync();
        await billing.GetCredentialsAsync();

        Assert.Equal([ProviderFixture.HubArn, ProviderFixture.ReportsArn, ProviderFixture.BillingArn], _fixture.Sts.Calls.Select(c => c.Request.RoleArn));
        Assert.Equal(_fixture.Sts.Calls[1].SignerAccessKeyId, _fixture.Sts.Calls[2].SignerAccessKeyId);
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public async Task SharedHub_RefreshesOnceForBothProviders()
    {
        using var cache = new SessionCache(_fixture.CacheOptions());
        await using var reports = CredentialProvider.Create(ProviderFixture.Profile(ProviderFixture.HubArn, ProviderFixture.ReportsArn), cache, "reports");
        await using var billing = CredentialProvider.Create(ProviderFixture.Profile(ProviderFixture.HubArn, ProviderFixture.BillingArn), cache, "billing");
        await Task.WhenAll(reports.GetCredentialsAsync().AsTask(), billing.GetCredentialsAsync().AsTask());

        _fixture.Time.Advance(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(30)); // every hop below its minimum lifetime
        await Task.WhenAll(reports.GetCredentialsAsync().AsTask(), billing.GetCredentialsAsync().AsTask());

        Assert.Equal(2, _fixture.Sts.Calls.Count(c => c.Request.RoleArn == ProviderFixture.HubArn));
        Assert.Equal(6, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task DifferentSourceCredentials_DoNotShareSessions()
    {
        using var cache = new SessionCache(_fixture.CacheOptions());
        var other = ProviderFixture.Profile();
        other.Source.AccessKeyId = "AKIAOTHEREXAMPLE0001";
        await using var first = CredentialProvider.Create(ProviderFixture.Profile(), cache);
        await using var second = CredentialProvider.Create(other, cache);

        await first.GetCredentialsAsync();
        await second.GetCredentialsAsync();

        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task DisposingOneProvider_LeavesTheSharedSessionToTheOther()
    {
        using var cache = new SessionCache(_fixture.CacheOptions());
        var first = CredentialProvider.Create(ProviderFixture.Profile(), cache);
        await using var second = CredentialProvider.Create(ProviderFixture.Profile(), cache);
        await first.GetCredentialsAsync();

        await first.DisposeAsync();
        await second.GetCredentialsAsync();

        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task ForRole_AssumesTheRoleSignedByTheParentSession()
    {
        await using var provider = _fixture.Create();
        var tenant = provider.ForRole(new AssumeRoleOptions { RoleArn = "arn:aws:iam::123456789012:role/tenant", ExternalId = "tenant-42", RoleSessionName = "saas" });

        var credentials = await tenant.GetCredentialsAsync();

        Assert.StartsWith("ASIATENANT", credentials.AccessKeyId);
        var call = _fixture.Sts.Calls[1];
        Assert.Equal("tenant-42", call.Request.ExternalId);
        Assert.StartsWith("ASIAHUB", call.SignerAccessKeyId);
    }

    [Fact]
    public async Task ForRole_SameRoleTwice_SharesOneSession()
    {
        await using var provider = _fixture.Create();
        var role = new AssumeRoleOptions { RoleArn = "arn:aws:iam::123456789012:role/tenant", ExternalId = "tenant-42" };

        await provider.ForRole(role).GetCredentialsAsync();
        await provider.ForRole(role).GetCredentialsAsync();

        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task ForRole_ChainedDuration_IsClampedToOneHour()
    {
        await using var provider = _fixture.Create();

        await provider.ForRole(new AssumeRoleOptions { RoleArn = "arn:aws:iam::123456789012:role/tenant", Duration = TimeSpan.FromHours(3) }).GetCredentialsAsync();

        Assert.Equal(3600, _fixture.Sts.Calls[1].Request.DurationSeconds);
    }

    [Fact]
    public async Task ForRole_ParentDisposed_HandleStillWorks()
    {
        var provider = CredentialProvider.Create(ProviderFixture.Profile(), new SessionCache(_fixture.CacheOptions()));
        var tenant = provider.ForRole(new AssumeRoleOptions { RoleArn = "arn:aws:iam::123456789012:role/tenant" });

        provider.Dispose();
        var credentials = await tenant.GetCredentialsAsync();

        Assert.StartsWith("ASIATENANT", credentials.AccessKeyId);
    }

    [Fact]
    public async Task ManyLiveTenants_AboveSizeLimit_AreAllKeptAndEveryHandleKeepsWorking()
    {
        const int sizeLimit = 10;
        using var cache = new SessionCache(_fixture.CacheOptions(sizeLimit));
        await using var provider = CredentialProvider.Create(ProviderFixture.Profile(), cache, "saas");
        var tenants = Enumerable.Range(0, 40)
            .Select(i => provider.ForRole(new AssumeRoleOptions { RoleArn = $"arn:aws:iam::{100000000000 + i}:role/tenant", ExternalId = $"tenant-{i}" }))
            .ToList();

        foreach (var tenant in tenants)
        {
            await tenant.GetCredentialsAsync();
        }

        foreach (var tenant in tenants)
        {
            Assert.StartsWith("ASIATENANT", (await tenant.GetCredentialsAsync()).AccessKeyId);
        }

        // Held sessions are never evicted: the limit bounds only the sessions nobody holds.
        Assert.Equal(41, _fixture.Sts.CallCount);
        Assert.Equal(41, cache.Count);
        Assert.Equal(0, cache.IdleCount);
    }

    [Fact]
    public async Task CompactedIdleTenantSessions_AreAssumedAgainOnTheNextHandle_ProfileHopsGoLast()
    {
        using var cache = new SessionCache(_fixture.CacheOptions());
        var evicted = 0;
        cache.Evicted += (_, _) => Interlocked.Increment(ref evicted);
        await using var provider = CredentialProvider.Create(ProviderFixture.Profile(), cache, "saas");
        var roles = Enumerable.Range(0, 5).Select(i => new AssumeRoleOptions { RoleArn = $"arn:aws:iam::{100000000000 + i}:role/tenant" }).ToList();
        foreach (var role in roles)
        {
            await using var tenant = provider.ForRole(role);
            await tenant.GetCredentialsAsync();
        }

        var other = CredentialProvider.Create(ProviderFixture.Profile(ProviderFixture.BillingArn), cache, "billing");
        await other.GetCredentialsAsync();
        await other.DisposeAsync(); // its profile hop joins the five tenants in the idle pool
        Assert.Equal(6, cache.IdleCount);

        cache.Compact(5.0 / 6); // room for five: the five dynamic tenant sessions go before the profile's hop
        await Eventually.WaitAsync(() => Volatile.Read(ref evicted) == 5, "five evictions");
        foreach (var role in roles)
        {
            await using var tenant = provider.ForRole(role);
            Assert.StartsWith("ASIATENANT", (await tenant.GetCredentialsAsync()).AccessKeyId);
        }

        Assert.Equal(10, _fixture.Sts.Calls.Count(c => c.Request.RoleArn.EndsWith("/tenant", StringComparison.Ordinal)));
        Assert.Equal(1, _fixture.Sts.Calls.Count(c => c.Request.RoleArn == ProviderFixture.HubArn));
        Assert.Equal(1, _fixture.Sts.Calls.Count(c => c.Request.RoleArn == ProviderFixture.BillingArn));
        Assert.Equal(6, cache.IdleCount); // the five tenants again, and billing's hop that compaction kept
    }

    [Fact]
    public async Task ExpiredSessionNobodyHolds_LeavesTheCache()
    {
        using var cache = new SessionCache(_fixture.CacheOptions());
        var evicted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cache.Evicted += (_, _) => evicted.TrySetResult();
        var provider = CredentialProvider.Create(ProviderFixture.Profile(), cache);
        await provider.GetCredentialsAsync();
        provider.Dispose();

        _fixture.Time.Advance(TimeSpan.FromHours(1));
        cache.Compact(0); // runs the expiration scan
        await evicted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, cache.Count);
        await using var again = CredentialProvider.Create(ProviderFixture.Profile(), cache);
        await again.GetCredentialsAsync();
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task ExpiredSessionStillHeld_StaysAndIsRefreshedOnTheNextCall()
    {
        using var cache = new SessionCache(_fixture.CacheOptions());
        await using var provider = CredentialProvider.Create(ProviderFixture.Profile(), cache);
        var first = await provider.GetCredentialsAsync();

        _fixture.Time.Advance(TimeSpan.FromHours(1));
        cache.Compact(0);
        var second = await provider.GetCredentialsAsync();

        Assert.Equal(1, cache.Count);
        Assert.Same(ProviderFixture.SessionOf(provider), ProviderFixture.SessionOf(provider)); // no re-resolve needed
        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task RefreshedSessions_AreNeverReStored_SoTheCacheSizeStaysExact()
    {
        // Regression: re-setting an entry on every refresh let the size-limited MemoryCache's size count drift until it
        // refused every entry (EvictionReason.Capacity) and live sessions were dropped.
        var options = ProviderFixture.Profile();
        options.Refresh.BackgroundRefresh = true;
        using var cache = new SessionCache(_fixture.CacheOptions(sizeLimit: 2));
        var evictions = 0;
        cache.Evicted += (_, _) => Interlocked.Increment(ref evictions);
        await using var provider = CredentialProvider.Create(options, cache);
        await provider.GetCredentialsAsync();
        var session = ProviderFixture.SessionOf(provider);

        for (var hour = 0; hour < 48; hour++)
        {
            _fixture.Time.Advance(TimeSpan.FromMinutes(45));
            await ProviderFixture.WhenIdleAsync(provider);
            _fixture.Time.Advance(TimeSpan.FromMinutes(15));
        }

        Assert.Equal(0, Volatile.Read(ref evictions));
        Assert.Same(session, ProviderFixture.SessionOf(provider));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task FullCache_RefusedNewSession_KeepsServingItsHandleWithoutReassuming()
    {
        using var cache = new SessionCache(_fixture.CacheOptions(sizeLimit: 1));
        await using var provider = CredentialProvider.Create(ProviderFixture.Profile(), cache, "saas"); // fills the cache
        var tenant = provider.ForRole(new AssumeRoleOptions { RoleArn = "arn:aws:iam::123456789012:role/tenant" });

        for (var i = 0; i < 20; i++)
        {
            Assert.StartsWith("ASIATENANT", (await tenant.GetCredentialsAsync()).AccessKeyId);
        }

        Assert.Equal(1, _fixture.Sts.Calls.Count(c => c.Request.RoleArn.EndsWith("/tenant", StringComparison.Ordinal)));
    }

    [Fact]
    public void SessionCache_SizeLimitBelowOne_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SessionCache(new SessionCacheOptions { SizeLimit = 0 }));

        Assert.Contains("SizeLimit", error.Message);
    }

    [Fact]
    public async Task SessionCache_Dispose_DisposesProvidersOverIt()
    {
        var cache = new SessionCache(_fixture.CacheOptions());
        var provider = CredentialProvider.Create(ProviderFixture.Profile(), cache);
        await provider.GetCredentialsAsync();

        cache.Dispose();

        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => provider.GetCredentialsAsync().AsTask());
    }
}
