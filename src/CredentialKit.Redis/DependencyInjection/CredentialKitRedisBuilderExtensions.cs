using CredentialKit;
using CredentialKit.Redis;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using System.Diagnostics.Metrics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Redis shared session store to CredentialKit's registration.</summary>
public static class CredentialKitRedisBuilderExtensions
{
    /// <summary>
    /// Shares the sessions of every profile with the other processes of the fleet through Redis: registers one
    /// <see cref="RedisSharedSessionStore"/> as the <see cref="ISharedSessionStore"/> of CredentialKit's session cache.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddCredentialKit</c>.</param>
    /// <param name="configure">Sets the store's options; may be <see langword="null"/> when everything comes from the container.</param>
    /// <returns>The builder, so calls chain.</returns>
    /// <remarks>
    /// Unset options are taken from the container: <see cref="IConnectionMultiplexer"/> (when neither
    /// <see cref="RedisSharedSessionStoreOptions.ConnectionMultiplexer"/> nor <see cref="RedisSharedSessionStoreOptions.Configuration"/>
    /// is set), <see cref="IDataProtectionProvider"/> (<c>AddDataProtection()</c>; give every process the same key ring),
    /// <see cref="TimeProvider"/>, <c>ILoggerFactory</c> and <c>IMeterFactory</c>. The options are validated when the host
    /// starts; a missing connection or provider stops it, naming the setting.
    /// </remarks>
    /// <example>
    /// <code>
    /// builder.Services.AddDataProtection().PersistKeysToStackExchangeRedis(redis, "credentialkit-keys");
    /// builder.Services.AddCredentialKit(builder.Configuration.GetSection("CredentialKit"))
    ///     .AddRedisSessionStore(o => o.Configuration = "redis:6379");
    /// </code>
    /// </example>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ICredentialKitBuilder AddRedisSessionStore(this ICredentialKitBuilder builder, Action<RedisSharedSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<RedisSharedSessionStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure<IServiceProvider>(static (o, services) =>
        {
            if (o.ConnectionMultiplexer is null && string.IsNullOrWhiteSpace(o.Configuration))
            {
                o.ConnectionMultiplexer = services.GetService<IConnectionMultiplexer>();
            }

            o.DataProtectionProvider ??= services.GetService<IDataProtectionProvider>();
            o.TimeProvider ??= services.GetService<TimeProvider>();
            o.LoggerFactory ??= services.GetService<ILoggerFactory>();
            o.MeterFactory ??= services.GetService<IMeterFactory>();
        });
        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisSharedSessionStoreOptions>, RedisSharedSessionStoreOptionsValidator>());
        builder.Services.TryAddSingleton(static services =>
            new RedisSharedSessionStore(services.GetRequiredService<IOptions<RedisSharedSessionStoreOptions>>().Value));
        builder.Services.TryAddSingleton<ISharedSessionStore>(static services => services.GetRequiredService<RedisSharedSessionStore>());
        return builder;
    }
}
