using CredentialKit.Redis.Tests.Helpers;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CredentialKit.Redis.Tests;

/// <summary>The core health check reports the shared store's state in its data, and never fails because of it.</summary>
public sealed class SharedStoreHealthTests
{
    [Fact]
    public async Task CheckHealthAsync_StoreUpThenKilled_DataShowsItAndStatusIgnoresIt()
    {
        await using var server = await RedisServer.StartAsync();
        await using var store = new RedisSharedSessionStore(new RedisSharedSessionStoreOptions
        {
            Configuration = server.Configuration,
            DataProtectionProvider = new EphemeralDataProtectionProvider(),
            KeyPrefix = Sessions.NewPrefix(),
            OperationTimeout = TimeSpan.FromMilliseconds(200),
        });
        await using var cache = new SessionCache(new SessionCacheOptions { SharedStore = store });
        var check = new CredentialKitHealthCheck(new NoProfiles(), cache);
        var context = new HealthCheckContext();

        var up = await check.CheckHealthAsync(context);
        await server.KillAsync();
        var down = (await Polling.UntilAsync(async () =>
        {
            // Reading makes the store notice the outage; the health check itself never calls Redis.
            try
            {
                await store.ReadAsync(Sessions.NewHop());
            }
            catch (Exception)
            {
                // expected while Redis is down
            }

            var result = await check.CheckHealthAsync(context);
            return result.Data["sharedStore:available"] is false ? new[] { result } : null;
        }, "the health data to show the store unavailable"))[0];

        Assert.Equal(true, up.Data["sharedStore:available"]);
        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.Equal(HealthStatus.Healthy, down.Status);
        Assert.True(down.Data.ContainsKey("sharedStore:state"));
        Assert.True(down.Data.ContainsKey("sharedStore:lastError"));
    }

    [Fact]
    public async Task CheckHealthAsync_NoStore_NoStoreData()
    {
        await using var cache = new SessionCache();
        var result = await new CredentialKitHealthCheck(new NoProfiles(), cache).CheckHealthAsync(new HealthCheckContext());

        Assert.DoesNotContain(result.Data.Keys, k => k.StartsWith("sharedStore:", StringComparison.Ordinal));
    }

    private sealed class NoProfiles : ICredentialProviderFactory
    {
        public IReadOnlyList<string> ProfileNames => [];

        public ICredentialProvider GetProvider(string name) => throw new KeyNotFoundException(name);
    }
}
