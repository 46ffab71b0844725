using CredentialKit.LocalSts;
using CredentialKit.Redis.Tests.Helpers;
using StackExchange.Redis;

namespace CredentialKit.Redis.Tests;

/// <summary>
/// <see cref="SessionCacheOptions.SharedStore"/> wired into the refresh path: session caches that stand for separate
/// processes (each with its own Redis connection), real SDK calls to one LocalSts, counted in its journal.
/// </summary>
public sealed class SharedStoreWiringTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private const string AssumeRole = "AssumeRole";
    private readonly LocalStsFleet _fleet = new(redis);

    public Task InitializeAsync() => _fleet.StartAsync();

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

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

        Assert.Equal(2, _fleet.Sts.Journal.Count(AssumeRole));
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

        Assert.Equal(6, _fleet.Sts.Journal.Count(AssumeRole));
        Assert.Empty(redis.Admin.GetServers()[0].Keys(pattern: _fleet.Prefix + "*"));
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
        Assert.Equal(4, _fleet.Sts.Journal.Count(AssumeRole));
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
            var counts = (RedisResult[])(await server.ExecuteAsync("PUBSUB", "NUMSUB", _fleet.Prefix + "changes"))!;
            return (long)counts[1] >= count ? (object)true : null;
        }, $"{count} subscribed processes");
    }

    private CredentialKitProfileOptions Profile() => _fleet.Profile(
        new AssumeRoleOptions { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "fleet-hub" },
        new AssumeRoleOptions { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "fleet-reports", ExternalId = LocalStsDemo.ReportsExternalId });

    private Task<SessionCache> CreateCacheAsync() => _fleet.CreateCacheAsync();
}
