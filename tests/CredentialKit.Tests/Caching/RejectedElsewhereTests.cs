using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Caching;

/// <summary>
/// A "Removed" notice from another process drops the session held here for that fleet key, through the cache's index by
/// fleet key: every in-process hop with that key that still holds the rejected session, and no other hop.
/// </summary>
public class RejectedElsewhereTests
{
    private readonly ProviderFixture _fixture = new();

    private (SessionCache Cache, FakeSharedSessionStore Store) CreateSut()
    {
        var store = new FakeSharedSessionStore(_fixture.Time);
        var options = _fixture.CacheOptions();
        options.SharedStore = store;
        return (new SessionCache(options), store);
    }

    [Fact]
    public async Task RemovedNotice_DropsEveryHopOfThatFleetKeyHoldingIt_AndNoOther()
    {
        var (cache, store) = CreateSut();
        using var _ = cache;

        // Two profiles for one role whose refresh settings differ: two sessions here, one fleet key (the second adopts the
        // first's session from the store). A third role has its own fleet key.
        var shorter = ProviderFixture.Profile(ProviderFixture.HubArn);
        shorter.Refresh.MinimumLifetime = TimeSpan.FromMinutes(2);
        using var first = CredentialProvider.Create(ProviderFixture.Profile(ProviderFixture.HubArn), cache, "first");
        using var second = CredentialProvider.Create(shorter, cache, "second");
        using var other = CredentialProvider.Create(ProviderFixture.Profile(ProviderFixture.ReportsArn), cache, "other");
        var held = await first.GetCredentialsAsync();
        Assert.Equal(held.AccessKeyId, (await second.GetCredentialsAsync()).AccessKeyId);
        await other.GetCredentialsAsync();
        Assert.NotSame(ProviderFixture.SessionOf(first), ProviderFixture.SessionOf(second));
        await Eventually.WaitAsync(() => store.SubscriberCount > 0, "the cache to subscribe to the store's notices");

        var hopKey = ((ChainedCredentialProvider)first).Hop.Chain.FleetIdentity!;
        store.Publish(new SharedSessionChange(hopKey, SharedSessionChangeKind.Removed, SharedSessionChange.SessionIdOf(held)));

        Assert.Equal(CredentialProviderState.NoCredentials, first.GetStatus().State);
        Assert.Equal(CredentialProviderState.NoCredentials, second.GetStatus().State);
        Assert.Equal(CredentialProviderState.Fresh, other.GetStatus().State);
    }

    [Fact]
    public async Task RemovedNotice_ForAHopTheIdlePoolRetired_ReachesItsReplacement()
    {
        var (cache, store) = CreateSut();
        using var _ = cache;
        using var hub = CredentialProvider.Create(ProviderFixture.Profile(ProviderFixture.HubArn), cache, "hub");
        await hub.GetCredentialsAsync();
        var tenantRole = new AssumeRoleOptions { RoleArn = ProviderFixture.BillingArn, RoleSessionName = "tenant" };
        var retired = new TaskCompletionSource();
        cache.Evicted += (_, _) => retired.TrySetResult();

        var tenant = hub.ForRole(tenantRole);
        await tenant.GetCredentialsAsync();
        tenant.Dispose();
        cache.Compact(1.0); // the unheld tenant hop leaves the pool: its entry leaves the fleet index too
        await retired.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var again = hub.ForRole(tenantRole);
        var held = await again.GetCredentialsAsync();
        var hopKey = ((ChainedCredentialProvider)again).Hop.Chain.FleetIdentity!;
        store.Publish(new SharedSessionChange(hopKey, SharedSessionChangeKind.Removed, SharedSessionChange.SessionIdOf(held)));

        Assert.Equal(CredentialProviderState.NoCredentials, again.GetStatus().State);
        Assert.Equal(CredentialProviderState.Fresh, hub.GetStatus().State);
    }
}
