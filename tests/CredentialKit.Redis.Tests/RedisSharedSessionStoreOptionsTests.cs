using CredentialKit.Redis.Tests.Helpers;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CredentialKit.Redis.Tests;

/// <summary>Bad settings fail at start-up naming the setting, the problem and the allowed range; DI fills the rest from the container.</summary>
public class RedisSharedSessionStoreOptionsTests
{
    private static readonly IDataProtectionProvider KeyRing = new EphemeralDataProtectionProvider();

    [Theory]
    [InlineData(nameof(RedisSharedSessionStoreOptions.KeyPrefix), "KeyPrefix has 0 characters; allowed: 1 to 100")]
    [InlineData("KeyPrefixSpace", "KeyPrefix 'has space' contains white space")]
    [InlineData(nameof(RedisSharedSessionStoreOptions.OperationTimeout), "OperationTimeout is 00:01:00; allowed: 00:00:00.0100000 to 00:00:30")]
    [InlineData(nameof(RedisSharedSessionStoreOptions.CircuitBreakDuration), "CircuitBreakDuration is 00:00:00.1000000; allowed: 00:00:00.5000000 to 00:10:00")]
    [InlineData(nameof(RedisSharedSessionStoreOptions.DataProtectionProvider), "DataProtectionProvider is required")]
    [InlineData("Neither", "ConnectionMultiplexer or RedisSharedSessionStoreOptions.Configuration is required")]
    [InlineData("Both", "are both set; set exactly one")]
    [InlineData(nameof(RedisSharedSessionStoreOptions.Configuration), "Configuration is not a valid StackExchange.Redis configuration string")]
    public void Constructor_InvalidSetting_ThrowsNamingIt(string setting, string expected)
    {
        var options = new RedisSharedSessionStoreOptions { Configuration = "127.0.0.1:1", DataProtectionProvider = KeyRing };
        switch (setting)
        {
            case nameof(RedisSharedSessionStoreOptions.KeyPrefix): options.KeyPrefix = ""; break;
            case "KeyPrefixSpace": options.KeyPrefix = "has space"; break;
            case nameof(RedisSharedSessionStoreOptions.OperationTimeout): options.OperationTimeout = TimeSpan.FromMinutes(1); break;
            case nameof(RedisSharedSessionStoreOptions.CircuitBreakDuration): options.CircuitBreakDuration = TimeSpan.FromMilliseconds(100); break;
            case nameof(RedisSharedSessionStoreOptions.DataProtectionProvider): options.DataProtectionProvider = null; break;
            case "Neither": options.Configuration = null; break;
            case "Both": options.ConnectionMultiplexer = Substitute(); break;
            case nameof(RedisSharedSessionStoreOptions.Configuration): options.Configuration = "127.0.0.1:1,password=s3cr3t-value,unknownoption=1"; break;
        }

        var thrown = Assert.Throws<OptionsValidationException>(() => new RedisSharedSessionStore(options));

        Assert.Contains("RedisSharedSessionStoreOptions." + (setting is "KeyPrefixSpace" ? "KeyPrefix" : setting is "Neither" or "Both" ? "ConnectionMultiplexer" : setting), thrown.Message, StringComparison.Ordinal);
        Assert.Contains(expected, thrown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddRedisSessionStore_ConnectionAndKeyRingFromTheContainer_RegistersTheStoreForTheCache()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        await Polling.UntilAsync(() => Task.FromResult(connection.IsConnected ? new object() : null), "the connection");
        var services = new ServiceCollection();
        services.AddSingleton<IConnectionMultiplexer>(connection);
        services.AddDataProtection();
        services.AddCredentialKit().AddRedisSessionStore(o =>
        {
            o.KeyPrefix = "fleet-a:";
            o.OperationTimeout = Slack.OperationTimeout;
        });
        await using var provider = services.BuildServiceProvider();

        var store = Assert.IsType<RedisSharedSessionStore>(provider.GetRequiredService<ISharedSessionStore>());
        var options = provider.GetRequiredService<IOptions<RedisSharedSessionStoreOptions>>().Value;
        var hop = Sessions.NewHop();
        await store.WriteAsync(hop, Sessions.Create(DateTimeOffset.UtcNow.AddHours(1)));

        Assert.Same(connection, options.ConnectionMultiplexer);
        Assert.NotNull(options.DataProtectionProvider);
        Assert.True(await connection.GetDatabase().KeyExistsAsync("fleet-a:session:" + hop));
        Assert.Same(store, provider.GetRequiredService<RedisSharedSessionStore>());
    }

    [Fact]
    public void AddRedisSessionStore_NoConnectionAnywhere_FailsNamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddDataProtection();
        services.AddCredentialKit().AddRedisSessionStore();
        using var provider = services.BuildServiceProvider();

        var thrown = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisSharedSessionStoreOptions>>().Value);

        Assert.Contains("RedisSharedSessionStoreOptions.ConnectionMultiplexer or RedisSharedSessionStoreOptions.Configuration is required", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRedisSessionStore_NullBuilder_Throws() =>
        Assert.Throws<ArgumentNullException>(() => CredentialKitRedisBuilderExtensions.AddRedisSessionStore(null!));

    private static IConnectionMultiplexer Substitute() =>
        System.Reflection.DispatchProxy.Create<IConnectionMultiplexer, NotImplementedProxy>();

    public class NotImplementedProxy : System.Reflection.DispatchProxy
    {
        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) => throw new NotImplementedException();
    }
}
