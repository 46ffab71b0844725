using CredentialKit.Redis.Tests.Helpers;
using Microsoft.AspNetCore.DataProtection;

namespace CredentialKit.Redis.Tests;

/// <summary>Never worse than standalone: Redis killed mid-run, or never there, costs STS calls and nothing else.</summary>
public class RedisOutageTests
{
    private static readonly TimeSpan Required = TimeSpan.FromMinutes(5);
    private readonly CapturingLoggerFactory _logs = new();
    private int _stsCalls;

    [Fact]
    public async Task RedisKilledMidRun_EveryRefreshCallsSts_CircuitOpens_NoCallerFails()
    {
        await using var server = await RedisServer.StartAsync();
        using var meters = new TestMeterFactory();
        await using var store = CreateStore(server.Configuration, meters);
        await using var process = new SharedSessionCoordinator(store, TimeProvider.System, _logs.CreateLogger("test"));
        var hop = Sessions.NewHop();
        var first = await process.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None);
        Assert.Equal(SharedRefreshOutcome.FetchedAndShared, first.Outcome);

        await server.KillAsync();
        var held = first.Credentials;
        var outcomes = new List<SharedRefreshOutcome>();
        for (var i = 0; i < 8; i++)
        {
            var result = await process.RefreshAsync(hop, held, Required, FetchFromSts, CancellationToken.None);
            Assert.True(result.Credentials.Expiration > DateTimeOffset.UtcNow + Required);
            outcomes.Add(result.Outcome);
            held = result.Credentials;
        }

        Assert.All(outcomes, o => Assert.Equal(SharedRefreshOutcome.StoreUnavailable, o));
        Assert.Equal(9, _stsCalls);
        var status = store.GetStatus();
        Assert.False(status.IsAvailable);
        Assert.Equal("Open", status.State);
        Assert.NotNull(status.UnavailableSince);
        Assert.NotNull(status.LastError);
        Assert.Single(_logs.WithEventId(201));
        Assert.Contains(meters.Measurements, m => m.Name == "credentialkit.shared_store.operations" && (string?)m.Tags["outcome"] == "circuit_open");
        Assert.Contains(meters.Measurements, m => m.Name == "credentialkit.shared_store.circuit.changes" && (string?)m.Tags["state"] == "open");
    }

    [Fact]
    public async Task RedisBackAfterAnOutage_CircuitClosesAndSharingResumes()
    {
        var server = await RedisServer.StartAsync();
        await using var store = new RedisSharedSessionStore(new RedisSharedSessionStoreOptions
        {
            Configuration = server.Configuration,
            DataProtectionProvider = new EphemeralDataProtectionProvider(),
            KeyPrefix = Sessions.NewPrefix(),
            OperationTimeout = TimeSpan.FromSeconds(2),
            CircuitBreakDuration = TimeSpan.FromMilliseconds(500),
            LoggerFactory = _logs,
        });
        await using var process = new SharedSessionCoordinator(store, TimeProvider.System, _logs.CreateLogger("test"));
        var hop = Sessions.NewHop();
        await process.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None);
        await server.DisposeAsync();
        for (var i = 0; i < 6; i++)
        {
            await process.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None);
        }

        Assert.False(store.GetStatus().IsAvailable);
        await using var restarted = await RedisServer.RestartAsync(server);
        var shared = await Polling.UntilAsync(async () =>
        {
            var result = await process.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None);
            return result.Outcome == SharedRefreshOutcome.FetchedAndShared ? (object)result : null;
        }, "sharing to resume once Redis is back");

        Assert.True(store.GetStatus().IsAvailable);
        Assert.Equal("Closed", store.GetStatus().State);
        Assert.NotEmpty(_logs.WithEventId(202));
        Assert.Equal(SharedRefreshOutcome.Adopted, (await process.RefreshAsync(hop, null, Required, FetchFromSts, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task RedisNeverReachable_RefreshesCallStsWithoutAnException()
    {
        // A port nothing listens on: the server is started and killed at once to learn a free one.
        var server = await RedisServer.StartAsync();
        await server.DisposeAsync();
        await using var store = CreateStore(server.Configuration, meters: null);
        await using var process = new SharedSessionCoordinator(store, TimeProvider.System, _logs.CreateLogger("test"));

        var results = new List<SharedRefreshResult>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await process.RefreshAsync(Sessions.NewHop(), null, Required, FetchFromSts, CancellationToken.None));
        }

        Assert.All(results, r => Assert.Equal(SharedRefreshOutcome.StoreUnavailable, r.Outcome));
        Assert.Equal(3, _stsCalls);
    }

    [Fact]
    public async Task StoreOperations_RedisDown_ThrowForTheCallerToFallBack_NeverHang()
    {
        var server = await RedisServer.StartAsync();
        await server.DisposeAsync();
        await using var store = CreateStore(server.Configuration, meters: null);

        var read = await Record.ExceptionAsync(() => store.ReadAsync(Sessions.NewHop()).AsTask());
        var write = await Record.ExceptionAsync(() => store.WriteAsync(Sessions.NewHop(), Sessions.Create(DateTimeOffset.UtcNow.AddHours(1))).AsTask());

        Assert.NotNull(read);
        Assert.NotNull(write);
        Assert.IsNotType<OperationCanceledException>(read);
    }

    private RedisSharedSessionStore CreateStore(string configuration, TestMeterFactory? meters) => new(new RedisSharedSessionStoreOptions
    {
        Configuration = configuration,
        DataProtectionProvider = new EphemeralDataProtectionProvider(),
        KeyPrefix = Sessions.NewPrefix(),
        // Short enough to keep an outage cheap, long enough that the first call on a loaded machine still connects.
        OperationTimeout = TimeSpan.FromSeconds(2),
        LoggerFactory = _logs,
        MeterFactory = meters,
    });

    private Task<SessionCredentials> FetchFromSts(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _stsCalls);
        return Task.FromResult(Sessions.Create(DateTimeOffset.UtcNow.AddHours(1)));
    }
}
