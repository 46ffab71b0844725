using CredentialKit.LocalSts;
using CredentialKit.Redis.Tests.Helpers;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace CredentialKit.Redis.Tests;

/// <summary>
/// <see cref="SessionCacheOptions.SharedStore"/> wired into the refresh path: session caches that stand for separate
/// processes (each with its own Redis connection), real SDK calls to one LocalSts, counted in its journal.
/// </summary>
public sealed class SharedStoreWiringTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private const string AssumeRole = "AssumeRole";
    private readonly IDataProtectionProvider _keyRing = new EphemeralDataProtectionProvider();
    private readonly string _prefix = Sessions.NewPrefix();
    private readonly List<IAsyncDisposable> _owned = [];
    private LocalStsServer _sts = null!;

    public async Task InitializeAsync()
    {
        var options = LocalStsOptions.CreateDemo();
        _sts = await LocalStsServer.StartNewAsync(options);
    }

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await _sts.DisposeAsync();
    }

    [Fact]
    public async Task GetCredentialsAsync_ThreeProcessesTwoHops_OneAssumeRolePerHop()
    {
        var processes = new List<ICredentialProvider>();
        for (var i = 0; i < 3; i++)
        {
            processes.Add(CredentialProvider.Create(Profile(), await CreateCacheAsync(), "fleet"));
        }

        var issued = new List<SessionCredentials>();
        foreach (var process in processes)
        {
            issued.Add(await process.GetCredentialsAsync());
        }

        Assert.Equal(2, _sts.Journal.Count(AssumeRole));
        Assert.All(issued, c => Assert.Equal(issued[0].AccessKeyId, c.AccessKeyId));
        foreach (var process in processes)
        {
            process.Dispose();
        }
    }

    [Fact]
    public async Task GetCredentialsAsync_ProfileOptsOut_EachProcessCallsSts()
    {
        var processes = new List<ICredentialProvider>();
        for (var i = 0; i < 3; i++)
        {
            var options = Profile();
            options.UseSharedStore = false;
            processes.Add(CredentialProvider.Create(options, await CreateCacheAsync(), "private"));
        }

        foreach (var process in processes)
        {
            await process.GetCredentialsAsync();
        }

        Assert.Equal(6, _sts.Journal.Count(AssumeRole));
        Assert.Empty(redis.Admin.GetServers()[0].Keys(pattern: _prefix + "*"));
        foreach (var process in processes)
        {
            process.Dispose();
        }
    }

    [Fact]
    public async Task GetCredentialsAsync_SharedAndOptedOutProfileInOneCache_KeepSeparateSessions()
    {
        var cache = await CreateCacheAsync();
        var optedOut = Profile();
        optedOut.UseSharedStore = false;
        using var shared = CredentialProvider.Create(Profile(), cache, "shared");
        using var unshared = CredentialProvider.Create(optedOut, cache, "private");

        var fromShared = await shared.GetCredentialsAsync();
        var fromUnshared = await unshared.GetCredentialsAsync();

        Assert.NotEqual(fromShared.AccessKeyId, fromUnshared.AccessKeyId);
        Assert.Equal(4, _sts.Journal.Count(AssumeRole));
    }

    [Fact]
    public async Task Invalidate_RejectedSession_OtherProcessDropsItAndNobodyAdoptsItAgain()
    {
        using var first = CredentialProvider.Create(Profile(), await CreateCacheAsync(), "fleet");
        using var second = CredentialProvider.Create(Profile(), await CreateCacheAsync(), "fleet");
        var rejected = await first.GetCredentialsAsync();
        Assert.Equal(rejected.AccessKeyId, (await second.GetCredentialsAsync()).AccessKeyId);

        // Both processes subscribe in the background after their first session; the notice must find them listening.
        await WaitForSubscribersAsync(2);
        first.Invalidate(rejected);
        var replacement = await first.GetCredentialsAsync();

        Assert.NotEqual(rejected.AccessKeyId, replacement.AccessKeyId);
        await Polling.UntilAsync(async () =>
        {
            var current = await second.GetCredentialsAsync();
            return current.AccessKeyId == rejected.AccessKeyId ? null : current;
        }, "the second process to drop the rejected session");
        var adopted = await second.GetCredentialsAsync();
        Assert.Equal(replacement.AccessKeyId, adopted.AccessKeyId);
    }

    [Fact]
    public async Task Invalidate_StaleRejection_DoesNotRemoveTheNewerSharedSession()
    {
        using var first = CredentialProvider.Create(Profile(), await CreateCacheAsync(), "fleet");
        var stale = await first.GetCredentialsAsync();
        first.Invalidate(stale);
        var fresh = await first.GetCredentialsAsync();

        // A process that still held the stale session reports it late: the shared entry now holds the fresh one.
        using var late = CredentialProvider.Create(Profile(), await CreateCacheAsync(), "fleet");
        late.Invalidate(stale);
        var adopted = await late.GetCredentialsAsync();

        Assert.Equal(fresh.AccessKeyId, adopted.AccessKeyId);
    }

    private async Task WaitForSubscribersAsync(int count)
    {
        var server = redis.Admin.GetServer(redis.Admin.GetEndPoints()[0]);
        await Polling.UntilAsync(async () =>
        {
            var counts = (RedisResult[])(await server.ExecuteAsync("PUBSUB", "NUMSUB", _prefix + "changes"))!;
            return (long)counts[1] >= count ? (object)true : null;
        }, $"{count} subscribed processes");
    }

    private CredentialKitProfileOptions Profile()
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = LocalStsDemo.AccessKeyId;
        options.Source.SecretAccessKey = LocalStsDemo.SecretAccessKey;
        options.Sts.ServiceUrl = _sts.Endpoint.ToString();
        options.Sts.AuthenticationRegion = "us-east-1";
        options.Roles.Add(new AssumeRoleOptions { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "fleet-hub" });
        options.Roles.Add(new AssumeRoleOptions { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "fleet-reports", ExternalId = LocalStsDemo.ReportsExternalId });
        return options;
    }

    private async Task<SessionCache> CreateCacheAsync()
    {
        var store = new RedisSharedSessionStore(new RedisSharedSessionStoreOptions
        {
            ConnectionMultiplexer = await redis.ConnectAsync(),
            DataProtectionProvider = _keyRing,
            KeyPrefix = _prefix,
        });
        var cache = new SessionCache(new SessionCacheOptions { SharedStore = store });
        _owned.Add(store);
        _owned.Add(cache);
        return cache;
    }
}
