using CredentialKit.LocalSts;
using Microsoft.AspNetCore.DataProtection;

namespace CredentialKit.Redis.Tests.Helpers;

/// <summary>
/// One LocalSts and one key ring for session caches that stand for the processes of a fleet: each cache gets its own Redis
/// connection and store under one key prefix, and everything created here is disposed in reverse order.
/// </summary>
internal sealed class LocalStsFleet(RedisServerFixture redis) : IAsyncDisposable
{
    private readonly IDataProtectionProvider _keyRing = new EphemeralDataProtectionProvider();
    private readonly List<IAsyncDisposable> _owned = [];
    private LocalStsServer? _sts;

    /// <summary>Gets the key prefix of this fleet's entries in Redis.</summary>
    public string Prefix { get; } = Sessions.NewPrefix();

    /// <summary>Gets the LocalSts the fleet's profiles call (started by <see cref="StartAsync"/>).</summary>
    public LocalStsServer Sts => _sts ?? throw new InvalidOperationException("Call StartAsync first.");

    public async Task StartAsync() => _sts = await LocalStsServer.StartNewAsync(LocalStsOptions.CreateDemo());

    /// <summary>Disposes <paramref name="disposable"/> with the fleet.</summary>
    public T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>A profile over LocalSts's demo keys that assumes <paramref name="roles"/>.</summary>
    public CredentialKitProfileOptions Profile(params AssumeRoleOptions[] roles)
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = LocalStsDemo.AccessKeyId;
        options.Source.SecretAccessKey = LocalStsDemo.SecretAccessKey;
        options.Sts.ServiceUrl = Sts.Endpoint.ToString();
        options.Sts.AuthenticationRegion = "us-east-1";
        foreach (var role in roles)
        {
            options.Roles.Add(role);
        }

        return options;
    }

    /// <summary>A session cache for one more process: with its own Redis store when <paramref name="shared"/>.</summary>
    public async Task<SessionCache> CreateCacheAsync(bool shared = true, Action<SessionCacheOptions>? configure = null)
    {
        var options = new SessionCacheOptions();
        if (shared)
        {
            options.SharedStore = Own(new RedisSharedSessionStore(new RedisSharedSessionStoreOptions
            {
                ConnectionMultiplexer = await redis.ConnectAsync(),
                DataProtectionProvider = _keyRing,
                KeyPrefix = Prefix,
            }));
        }

        configure?.Invoke(options);
        return Own(new SessionCache(options));
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        if (_sts is not null)
        {
            await _sts.DisposeAsync();
        }
    }
}
