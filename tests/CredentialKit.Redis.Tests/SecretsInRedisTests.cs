using System.Collections.Concurrent;
using System.Text;
using CredentialKit.Redis.Tests.Helpers;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CredentialKit.Redis.Tests;

/// <summary>Nothing in Redis reveals a secret: every key, value and notice written by a full workload is scanned.</summary>
public class SecretsInRedisTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Workload_EveryKeyValueAndNotice_HoldsNoSecretInClear()
    {
        var notices = new ConcurrentQueue<byte[]>();
        var everything = RedisChannel.Pattern("*");
        await redis.Admin.GetSubscriber().SubscribeAsync(everything, (_, message) => notices.Enqueue((byte[])message!));
        var keyRing = new EphemeralDataProtectionProvider();
        var issued = new ConcurrentQueue<SessionCredentials>();
        Task<SessionCredentials> FetchFromSts(CancellationToken _)
        {
            var session = Sessions.Create(DateTimeOffset.UtcNow.AddHours(1));
            issued.Enqueue(session);
            return Task.FromResult(session);
        }

        var stores = new List<RedisSharedSessionStore>();
        var processes = new List<SharedSessionCoordinator>();
        for (var i = 0; i < 3; i++)
        {
            stores.Add(new RedisSharedSessionStore(new RedisSharedSessionStoreOptions
            {
                ConnectionMultiplexer = await redis.ConnectAsync(),
                DataProtectionProvider = keyRing,
                OperationTimeout = Slack.OperationTimeout,
            }));
            processes.Add(new SharedSessionCoordinator(stores[^1], TimeProvider.System, NullLogger.Instance, storeCallTimeout: Slack.StoreCallTimeout));
        }

        // Shared refreshes, adoption, a held lease, an invalidation and a re-issue, on several hops.
        var hops = Enumerable.Range(0, 4).Select(_ => Sessions.NewHop()).ToList();
        foreach (var hop in hops)
        {
            var first = await processes[0].RefreshAsync(hop, null, TimeSpan.FromMinutes(5), FetchFromSts, CancellationToken.None);
            await processes[1].RefreshAsync(hop, null, TimeSpan.FromMinutes(5), FetchFromSts, CancellationToken.None);
            await processes[2].InvalidateAsync(hop, first.Credentials, CancellationToken.None);
            await processes[1].RefreshAsync(hop, null, TimeSpan.FromMinutes(5), FetchFromSts, CancellationToken.None);
        }

        await stores[2].TryAcquireLeaseAsync(hops[0], TimeSpan.FromMinutes(1));
        await Eventually.WaitAsync(() => notices.Count >= hops.Count * 3, "every notice");

        var server = redis.Admin.GetServer(redis.Admin.GetEndPoints()[0]);
        var written = new List<(string What, byte[] Bytes)>();
        await foreach (var key in server.KeysAsync(pattern: "*"))
        {
            written.Add(("key " + key.ToString(), Encoding.UTF8.GetBytes(key.ToString())));
            written.Add(("value of " + key.ToString(), (byte[])(await redis.Admin.GetDatabase().StringGetAsync(key))!));
        }

        written.AddRange(notices.Select(n => ("notice", n)));
        Assert.Contains(written, w => w.What.StartsWith("key credentialkit:session:", StringComparison.Ordinal));
        Assert.Contains(written, w => w.What.StartsWith("key credentialkit:lease:", StringComparison.Ordinal));
        Assert.True(issued.Count >= hops.Count * 2);
        foreach (var session in issued)
        {
            foreach (var secret in new[] { session.SecretAccessKey, session.SessionToken, session.AccessKeyId, session.AssumedRoleArn!, session.SourceIdentity! })
            {
                var needle = Encoding.UTF8.GetBytes(secret);
                var base64 = Encoding.UTF8.GetBytes(Convert.ToBase64String(needle));
                foreach (var (what, bytes) in written)
                {
                    Assert.False(bytes.AsSpan().IndexOf(needle) >= 0, $"{what} contains a session field in clear");
                    Assert.False(bytes.AsSpan().IndexOf(base64) >= 0, $"{what} contains a session field in base64");
                }
            }
        }

        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }

        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }
}
