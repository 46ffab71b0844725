using StackExchange.Redis;

namespace CredentialKit.Redis.Tests.Helpers;

/// <summary>One redis-server for a test class; tests keep apart by a key prefix of their own.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private readonly List<IConnectionMultiplexer> _connections = [];

    public RedisServer Server { get; private set; } = null!;

    /// <summary>A connection for the tests' own look at Redis (raw keys and values), not a store's.</summary>
    public IConnectionMultiplexer Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await RedisServer.StartAsync();
        Admin = await ConnectAsync();
    }

    /// <summary>A new connection: each one stands for a separate process of the fleet.</summary>
    public async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(Server.Configuration);
        await Polling.UntilAsync(() => Task.FromResult(connection.IsConnected ? new object() : null), "the connection to redis-server");
        lock (_connections)
        {
            _connections.Add(connection);
        }

        return connection;
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await Server.DisposeAsync();
    }
}
