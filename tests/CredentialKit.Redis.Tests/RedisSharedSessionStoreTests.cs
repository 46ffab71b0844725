using System.Text;
using CredentialKit.Redis.Tests.Helpers;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace CredentialKit.Redis.Tests;

/// <summary>The store's protocol against a real redis-server: entries, leases, compare-and-delete, notifications, bad entries.</summary>
public class RedisSharedSessionStoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private readonly IDataProtectionProvider _keyRing = new EphemeralDataProtectionProvider();
    private readonly string _prefix = Sessions.NewPrefix();
    private readonly CapturingLoggerFactory _logs = new();

    [Fact]
    public async Task ReadAsync_AfterWriteByAnotherProcess_ReturnsTheSameSession()
    {
        await using var writer = await CreateSutAsync();
        await using var reader = await CreateSutAsync();
        var hop = Sessions.NewHop();
        var session = Sessions.Create(DateTimeOffset.UtcNow.AddHours(1));

        await writer.WriteAsync(hop, session);
        var read = await reader.ReadAsync(hop);

        Assert.NotNull(read);
        Assert.Equal(session.AccessKeyId, read.AccessKeyId);
        Assert.Equal(session.SecretAccessKey, read.SecretAccessKey);
        Assert.Equal(session.SessionToken, read.SessionToken);
        Assert.Equal(session.Expiration.ToUnixTimeMilliseconds(), read.Expiration.ToUnixTimeMilliseconds());
        Assert.Equal(session.AssumedRoleArn, read.AssumedRoleArn);
        Assert.Equal(session.SourceIdentity, read.SourceIdentity);
        Assert.Equal(session.PackedPolicySize, read.PackedPolicySize);
        Assert.Equal(session.Region, read.Region);
    }

    [Fact]
    public async Task WriteAsync_EntryTimeToLive_EndsAtTheSessionsExpiration()
    {
        await using var sut = await CreateSutAsync();
        var hop = Sessions.NewHop();
        var lifetime = TimeSpan.FromMinutes(40);

        await sut.WriteAsync(hop, Sessions.Create(DateTimeOffset.UtcNow + lifetime));
        var ttl = await Database().KeyTimeToLiveAsync(_prefix + "session:" + hop);

        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, lifetime - TimeSpan.FromMinutes(1), lifetime);
    }

    [Fact]
    public async Task WriteAsyncWithRemainingLifetime_ReadEntryAsync_ReturnsWhatRedisCountedDown_NotExpirationOnTheReadersClock()
    {
        // Issue #23.2: the writer measured 20 minutes left on STS's clock, though Expiration reads 2 hours on this machine's.
        await using var writer = await CreateSutAsync();
        await using var reader = await CreateSutAsync();
        var hop = Sessions.NewHop();
        var session = Sessions.Create(DateTimeOffset.UtcNow.AddHours(2));

        await writer.WriteAsync(hop, session, TimeSpan.FromMinutes(20));
        var entry = await reader.ReadEntryAsync(hop);

        Assert.NotNull(entry);
        Assert.Equal(session.AccessKeyId, entry.Credentials.AccessKeyId);
        Assert.InRange(entry.RemainingLifetime!.Value, TimeSpan.FromMinutes(19), TimeSpan.FromMinutes(20));
        Assert.Equal(session.AccessKeyId, (await reader.ReadAsync(hop))!.AccessKeyId);
    }

    [Fact]
    public async Task WriteAsyncWithRemainingLifetime_NoneLeft_WritesNothing()
    {
        // Before the fix, STS's clock 2 minutes behind the writer's made this the TTL of every session: nothing shared.
        await using var sut = await CreateSutAsync();
        var hop = Sessions.NewHop();

        await sut.WriteAsync(hop, Sessions.Create(DateTimeOffset.UtcNow.AddHours(1)), TimeSpan.Zero);

        Assert.Null(await sut.ReadEntryAsync(hop));
    }

    [Fact]
    public async Task WriteAsync_ExpiredSession_WritesNothing()
    {
        await using var sut = await CreateSutAsync();
        var hop = Sessions.NewHop();

        await sut.WriteAsync(hop, Sessions.Create(DateTimeOffset.UtcNow.AddSeconds(-1)));

        Assert.False(await Database().KeyExistsAsync(_prefix + "session:" + hop));
        Assert.Null(await sut.ReadAsync(hop));
    }

    [Fact]
    public async Task TryAcquireLeaseAsync_ManyProcessesAtOnce_ExactlyOneHolder()
    {
        var stores = new List<RedisSharedSessionStore>();
        for (var i = 0; i < 4; i++)
        {
            stores.Add(await CreateSutAsync());
        }

        var hop = Sessions.NewHop();
        var attempts = Enumerable.Range(0, 40)
            .Select(i => stores[i % stores.Count].TryAcquireLeaseAsync(hop, TimeSpan.FromSeconds(30)).AsTask());
        var leases = await Task.WhenAll(attempts);

        Assert.Single(leases, l => l is not null);
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReleaseAsync_LeaseExpiredAndTakenByAnother_DoesNotReleaseTheOthersLease()
    {
        await using var first = await CreateSutAsync();
        await using var second = await CreateSutAsync();
        var hop = Sessions.NewHop();

        var stale = await first.TryAcquireLeaseAsync(hop, TimeSpan.FromMilliseconds(100));
        Assert.NotNull(stale);
        var current = await Polling.UntilAsync(() => second.TryAcquireLeaseAsync(hop, TimeSpan.FromSeconds(30)).AsTask(), "the first lease to expire (lease TTL)");
        var releasedStale = await stale.ReleaseAsync();

        Assert.False(releasedStale);
        Assert.Null(await first.TryAcquireLeaseAsync(hop, TimeSpan.FromSeconds(30)));
        Assert.True(await current!.ReleaseAsync());
        Assert.NotNull(await first.TryAcquireLeaseAsync(hop, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ReleaseAsync_Holder_FreesTheLeaseAtOnce()
    {
        await using var sut = await CreateSutAsync();
        var hop = Sessions.NewHop();

        var lease = await sut.TryAcquireLeaseAsync(hop, TimeSpan.FromMinutes(1));
        Assert.Null(await sut.TryAcquireLeaseAsync(hop, TimeSpan.FromMinutes(1)));
        Assert.True(await lease!.ReleaseAsync());

        Assert.NotNull(await sut.TryAcquireLeaseAsync(hop, TimeSpan.FromMinutes(1)));
        Assert.Equal(hop, lease.HopKey);
    }

    [Fact]
    public async Task ReadAsync_TamperedEntry_IsIgnoredLoggedWithoutContentAndReplacedByTheNextWrite()
    {
        await using var sut = await CreateSutAsync();
        var hop = Sessions.NewHop();
        var key = _prefix + "session:" + hop;
        await sut.WriteAsync(hop, Sessions.Create(DateTimeOffset.UtcNow.AddHours(1)));
        var value = (byte[])(await Database().StringGetAsync(key))!;
        value[^5] ^= 0x5A;
        await Database().StringSetAsync(key, value, TimeSpan.FromHours(1));

        var read = await sut.ReadAsync(hop);
        var replacement = Sessions.Create(DateTimeOffset.UtcNow.AddHours(1));
        await sut.WriteAsync(hop, replacement);

        Assert.Null(read);
        var logged = Assert.Single(_logs.WithEventId(200));
        Assert.Contains("not authenticated", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(value), logged.Message, StringComparison.Ordinal);
        Assert.Equal(replacement.AccessKeyId, (await sut.ReadAsync(hop))?.AccessKeyId);
    }

    [Fact]
    public async Task ReadAsync_Garbage_IsIgnored()
    {
        await using var sut = await CreateSutAsync();
        var hop = Sessions.NewHop();
        await Database().StringSetAsync(_prefix + "session:" + hop, "{\"k\":\"ASIA\",\"s\":\"plain\"}", TimeSpan.FromMinutes(5));

        Assert.Null(await sut.ReadAsync(hop));
        Assert.Single(_logs.WithEventId(200));
    }

    [Fact]
    public async Task ReadAsync_EntryFromAnotherKeyRing_IsIgnored()
    {
        await using var ours = await CreateSutAsync();
        await using var foreign = await CreateSutAsync(new EphemeralDataProtectionProvider());
        var hop = Sessions.NewHop();
        await foreign.WriteAsync(hop, Sessions.Create(DateTimeOffset.UtcNow.AddHours(1)));

        Assert.Null(await ours.ReadAsync(hop));
        Assert.Contains("not authenticated", Assert.Single(_logs.WithEventId(200)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EntryCopiedUnderAnotherHopsKey_IsIgnored()
    {
        await using var sut = await CreateSutAsync();
        var (hopA, hopB) = (Sessions.NewHop(), Sessions.NewHop());
        await sut.WriteAsync(hopA, Sessions.Create(DateTimeOffset.UtcNow.AddHours(1)));
        var value = await Database().StringGetAsync(_prefix + "session:" + hopA);
        await Database().StringSetAsync(_prefix + "session:" + hopB, value, TimeSpan.FromHours(1));

        Assert.Null(await sut.ReadAsync(hopB));
        Assert.Contains("another hop", Assert.Single(_logs.WithEventId(200)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoveAsync_StaleRejection_KeepsTheNewerSession_AndTheRejectedOneIsRemovedAndAnnounced()
    {
        await using var sut = await CreateSutAsync();
        await using var other = await CreateSutAsync();
        var changes = new List<SharedSessionChange>();
        await using var subscription = await other.SubscribeAsync(c => { lock (changes) { changes.Add(c); } });
        var hop = Sessions.NewHop();
        var older = Sessions.Create(DateTimeOffset.UtcNow.AddMinutes(30));
        var current = Sessions.Create(DateTimeOffset.UtcNow.AddHours(1));
        await sut.WriteAsync(hop, current);

        var removedStale = await sut.RemoveAsync(hop, older);
        var stillThere = await sut.ReadAsync(hop);
        var removedCurrent = await sut.RemoveAsync(hop, current);

        Assert.False(removedStale);
        Assert.Equal(current.AccessKeyId, stillThere?.AccessKeyId);
        Assert.True(removedCurrent);
        Assert.Null(await sut.ReadAsync(hop));
        await Eventually.WaitAsync(() => { lock (changes) { return changes.Count(c => c.Kind == SharedSessionChangeKind.Removed) == 2; } }, "both removal notices");
        lock (changes)
        {
            Assert.Contains(changes, c => c.Kind == SharedSessionChangeKind.Written && c.HopKey == hop && c.Concerns(current));
            Assert.Contains(changes, c => c.Kind == SharedSessionChangeKind.Removed && c.HopKey == hop && c.Concerns(current));
        }
    }

    [Fact]
    public async Task SubscribeAsync_Disposed_NoMoreNotices()
    {
        await using var sut = await CreateSutAsync();
        var count = 0;
        var subscription = await sut.SubscribeAsync(_ => Interlocked.Increment(ref count));
        await sut.WriteAsync(Sessions.NewHop(), Sessions.Create(DateTimeOffset.UtcNow.AddHours(1)));
        await Eventually.WaitAsync(() => Volatile.Read(ref count) == 1, "the first notice");

        await subscription.DisposeAsync();
        var marker = new TaskCompletionSource();
        await using var probe = await sut.SubscribeAsync(_ => marker.TrySetResult());
        await sut.WriteAsync(Sessions.NewHop(), Sessions.Create(DateTimeOffset.UtcNow.AddHours(1)));
        await marker.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, Volatile.Read(ref count));
    }

    [Theory]
    [InlineData("arn:aws:iam::111122223333:role/hub")]
    [InlineData("has space")]
    [InlineData("")]
    public async Task Operations_HopKeyThatIsNotAFingerprint_AreRefused(string hopKey)
    {
        await using var sut = await CreateSutAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => sut.ReadAsync(hopKey).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => sut.WriteAsync(hopKey, Sessions.Create(DateTimeOffset.UtcNow.AddHours(1))).AsTask());
    }

    [Fact]
    public async Task GetStatus_WhileRedisAnswers_IsAvailable()
    {
        await using var sut = await CreateSutAsync();
        await sut.ReadAsync(Sessions.NewHop());

        var status = sut.GetStatus();

        Assert.True(status.IsAvailable);
        Assert.Equal("Closed", status.State);
        Assert.Null(status.UnavailableSince);
    }

    private IDatabase Database() => redis.Admin.GetDatabase();

    private async Task<RedisSharedSessionStore> CreateSutAsync(IDataProtectionProvider? keyRing = null) => new(new RedisSharedSessionStoreOptions
    {
        ConnectionMultiplexer = await redis.ConnectAsync(),
        DataProtectionProvider = keyRing ?? _keyRing,
        KeyPrefix = _prefix,
        LoggerFactory = _logs,
        OperationTimeout = Slack.OperationTimeout,
    });
}
