using CredentialKit.Redis.Tests.Helpers;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CredentialKit.Redis.Tests;

/// <summary>
/// The core's shared refresh (<see cref="SharedSessionCoordinator"/>) over the real Redis store, each coordinator with its
/// own connection standing for one process of the fleet.
/// </summary>
public class SharedRefreshOverRedisTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Required = TimeSpan.FromMinutes(5);

    private readonly IDataProtectionProvider _keyRing = new EphemeralDataProtectionProvider();
    private readonly string _prefix = Sessions.NewPrefix();
    private readonly List<IAsyncDisposable> _owned = [];
    private int _stsCalls;

    [Fact]
    public async Task RefreshAsync_SecondProcess_AdoptsTheFirstProcessesSession()
    {
        var hop = Sessions.NewHop();
        var first = await CreateProcessAsync();
        var second = await CreateProcessAsync();

        var issued = await first.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None);
        var adopted = await second.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None);

        Assert.Equal(SharedRefreshOutcome.FetchedAndShared, issued.Outcome);
        Assert.Equal(SharedRefreshOutcome.Adopted, adopted.Outcome);
        Assert.Equal(issued.Credentials.SecretAccessKey, adopted.Credentials.SecretAccessKey);
        Assert.Equal(1, _stsCalls);
        await DisposeAllAsync();
    }

    [Fact]
    public async Task RefreshAsync_FiveProcessesAtOnce_OneStsCall()
    {
        var hop = Sessions.NewHop();
        var processes = new List<SharedSessionCoordinator>();
        for (var i = 0; i < 5; i++)
        {
            processes.Add(await CreateProcessAsync());
        }

        // The lease holder's STS call completes only once the four others are subscribed and waiting for its notice.
        var release = new TaskCompletionSource();
        async Task<SessionCredentials> SlowSts(CancellationToken ct)
        {
            await release.Task.WaitAsync(ct);
            return await FetchFromSts(ct);
        }

        var refreshes = processes.Select(p => p.RefreshAsync(hop, null, Required, SlowSts, CancellationToken.None)).ToList();
        await WaitForSubscribersAsync(4);
        release.SetResult();
        var results = await Task.WhenAll(refreshes);

        Assert.Equal(1, _stsCalls);
        Assert.Single(results, r => r.Outcome == SharedRefreshOutcome.FetchedAndShared);
        Assert.All(results, r => Assert.Equal(results[0].Credentials.AccessKeyId, r.Credentials.AccessKeyId));
        await DisposeAllAsync();
    }

    [Fact]
    public async Task RefreshAsync_LeaseHolderKilledMidRefresh_AnotherTakesOverAfterTheLeaseTtl()
    {
        var hop = Sessions.NewHop();

        // The "killed" holder: took the lease, then never wrote nor released it.
        var killed = await CreateStoreAsync();
        Assert.NotNull(await killed.TryAcquireLeaseAsync(hop, TimeSpan.FromMilliseconds(300)));
        var survivor = await CreateProcessAsync(leaseDuration: TimeSpan.FromSeconds(30), notificationTimeout: TimeSpan.FromMilliseconds(500));

        var result = await survivor.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None);

        Assert.Equal(SharedRefreshOutcome.FetchedAndShared, result.Outcome);
        Assert.Equal(1, _stsCalls);
        Assert.Equal(result.Credentials.AccessKeyId, (await killed.ReadAsync(hop))?.AccessKeyId);
        await DisposeAllAsync();
    }

    [Fact]
    public async Task RefreshAsync_SharedEntryBelowMinimumLifetime_IsNotAdopted()
    {
        var hop = Sessions.NewHop();
        var store = await CreateStoreAsync();
        await store.WriteAsync(hop, Sessions.Create(DateTimeOffset.UtcNow + Required - TimeSpan.FromMinutes(1)));
        var process = await CreateProcessAsync();

        var result = await process.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None);

        Assert.Equal(SharedRefreshOutcome.FetchedAndShared, result.Outcome);
        Assert.Equal(1, _stsCalls);
        Assert.Equal(result.Credentials.AccessKeyId, (await store.ReadAsync(hop))?.AccessKeyId);
        await DisposeAllAsync();
    }

    [Fact]
    public async Task RefreshAsync_TamperedEntry_CallsStsAndReplacesIt()
    {
        var hop = Sessions.NewHop();
        var key = _prefix + "session:" + hop;
        await redis.Admin.GetDatabase().StringSetAsync(key, new byte[] { 0x09, 0xF0, 0x0D, 0x01, 0x02 }, TimeSpan.FromHours(1));
        var process = await CreateProcessAsync();
        var reader = await CreateStoreAsync();

        var result = await process.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None);

        Assert.Equal(SharedRefreshOutcome.FetchedAndShared, result.Outcome);
        Assert.Equal(result.Credentials.AccessKeyId, (await reader.ReadAsync(hop))?.AccessKeyId);
        await DisposeAllAsync();
    }

    [Fact]
    public async Task RefreshAsync_KeyRingMismatch_EachKeyRingCallsStsAndNeitherAdoptsTheOther()
    {
        var hop = Sessions.NewHop();
        var ours = await CreateProcessAsync();
        var foreign = await CreateProcessAsync(keyRing: new EphemeralDataProtectionProvider());

        var foreignResult = await foreign.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None);
        var ourResult = await ours.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None);

        Assert.Equal(2, _stsCalls);
        Assert.NotEqual(foreignResult.Credentials.AccessKeyId, ourResult.Credentials.AccessKeyId);
        await DisposeAllAsync();
    }

    [Fact]
    public async Task InvalidateAsync_OtherProcessesAreToldAndTheRejectedSessionIsGone()
    {
        var hop = Sessions.NewHop();
        var first = await CreateProcessAsync();
        var second = await CreateProcessAsync();
        var rejectedNotices = new TaskCompletionSource<SharedSessionChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        second.SessionRejected += c => rejectedNotices.TrySetResult(c);
        var issued = await first.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None);

        // The second process subscribes as a waiter would: another process holds the lease meanwhile.
        var other = await CreateStoreAsync();
        await other.RemoveAsync(hop, issued.Credentials);
        await using (var lease = await other.TryAcquireLeaseAsync(hop, TimeSpan.FromSeconds(30)))
        {
            var waiting = second.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None);
            await WaitForSubscribersAsync(1);
            await first.InvalidateAsync(hop, issued.Credentials, CancellationToken.None);
            var notice = await rejectedNotices.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await other.WriteAsync(hop, issued.Credentials); // a stale writer puts the rejected session back
            await lease!.ReleaseAsync();
            var result = await waiting;

            Assert.True(notice.Concerns(issued.Credentials));
            Assert.Equal(hop, notice.HopKey);
            Assert.NotEqual(issued.Credentials.AccessKeyId, result.Credentials.AccessKeyId);
        }

        await DisposeAllAsync();
    }

    private async Task WaitForSubscribersAsync(int count)
    {
        var server = redis.Admin.GetServer(redis.Admin.GetEndPoints()[0]);
        await Polling.UntilAsync(async () =>
        {
            var result = await server.ExecuteAsync("PUBSUB", "NUMSUB", _prefix + "changes");
            var counts = (RedisResult[])result!;
            return (long)counts[1] >= count ? (object)true : null;
        }, $"{count} subscribed processes");
    }

    private Task<SessionCredentials> FetchFromSts(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _stsCalls);
        return Task.FromResult(Sessions.Create(DateTimeOffset.UtcNow.AddHours(1)));
    }

    private async Task<RedisSharedSessionStore> CreateStoreAsync(IDataProtectionProvider? keyRing = null)
    {
        var connection = await redis.ConnectAsync();
        var store = new RedisSharedSessionStore(new RedisSharedSessionStoreOptions
        {
            ConnectionMultiplexer = connection,
            DataProtectionProvider = keyRing ?? _keyRing,
            KeyPrefix = _prefix,
            OperationTimeout = Slack.OperationTimeout,
        });
        _owned.Insert(0, store);
        return store;
    }

    private async Task<SharedSessionCoordinator> CreateProcessAsync(
        IDataProtectionProvider? keyRing = null, TimeSpan? leaseDuration = null, TimeSpan? notificationTimeout = null)
    {
        var coordinator = new SharedSessionCoordinator(await CreateStoreAsync(keyRing), TimeProvider.System, NullLogger.Instance,
            leaseDuration: leaseDuration, notificationTimeout: notificationTimeout ?? TimeSpan.FromSeconds(30),
            storeCallTimeout: Slack.StoreCallTimeout);
        _owned.Insert(0, coordinator);
        return coordinator;
    }

    private async Task DisposeAllAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }
}
