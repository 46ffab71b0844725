using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CredentialKit.Redis;

/// <summary>Settings of a <see cref="RedisSharedSessionStore"/>.</summary>
/// <remarks>
/// Set either <see cref="ConnectionMultiplexer"/> or <see cref="Configuration"/>, and a <see cref="DataProtectionProvider"/>
/// whose key ring every process of the fleet shares (for example
/// <c>services.AddDataProtection().PersistKeysToStackExchangeRedis(redis, "credentialkit-keys")</c>).
/// With <c>AddRedisSessionStore</c>, both are taken from the container when not set here.
/// </remarks>
public sealed class RedisSharedSessionStoreOptions
{
    /// <summary>Gets or sets an existing connection to use. It is not disposed with the store.</summary>
    /// <value>The default is <see langword="null"/>: connect with <see cref="Configuration"/>, or use the container's <see cref="IConnectionMultiplexer"/>.</value>
    public IConnectionMultiplexer? ConnectionMultiplexer { get; set; }

    /// <summary>
    /// Gets or sets a StackExchange.Redis configuration string (for example <c>redis:6379,ssl=true,user=ck,password=…</c>)
    /// to connect with. The store owns that connection: it connects on first use, fails fast while disconnected
    /// (no command backlog) and closes the connection when disposed.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Configuration { get; set; }

    /// <summary>Gets or sets the Data Protection provider that encrypts and authenticates every entry.</summary>
    /// <value>The default is <see langword="null"/>: required, or taken from the container by <c>AddRedisSessionStore</c>.</value>
    public IDataProtectionProvider? DataProtectionProvider { get; set; }

    /// <summary>
    /// Gets or sets the prefix of every key and of the notification channel, so several fleets (or environments) can share
    /// one Redis without sharing sessions. Redis ACLs can restrict a client to <c>~prefix*</c> and <c>&amp;prefix*</c>.
    /// </summary>
    /// <value>The default is <c>credentialkit:</c>. 1 to 100 characters, no white space, control characters or <c>*?[]</c>.</value>
    public string KeyPrefix { get; set; } = RedisSharedSessionStoreDefaults.KeyPrefix;

    /// <summary>Gets or sets the time-box of every Redis operation; one that takes longer counts as a failure.</summary>
    /// <value>The default is 1 second. Allowed: 10 ms to 30 s.</value>
    public TimeSpan OperationTimeout { get; set; } = RedisSharedSessionStoreDefaults.OperationTimeout;

    /// <summary>
    /// Gets or sets how long the circuit breaker stays open once Redis failed (half of at least 4 calls within 30 s):
    /// meanwhile no Redis call is made and every process calls STS on its own, paying no timeouts.
    /// </summary>
    /// <value>The default is 30 seconds. Allowed: 0.5 s to 10 min.</value>
    public TimeSpan CircuitBreakDuration { get; set; } = RedisSharedSessionStoreDefaults.CircuitBreakDuration;

    /// <summary>Gets or sets the clock for entry lifetimes and the circuit breaker.</summary>
    /// <value>The default is <see cref="System.TimeProvider.System"/>, or the container's with <c>AddRedisSessionStore</c>.</value>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Gets or sets the logger factory.</summary>
    /// <value>The default writes no logs, or the container's with <c>AddRedisSessionStore</c>.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the meter factory that creates the <c>CredentialKit</c> meter.</summary>
    /// <value>The default is a process-wide meter, or the container's with <c>AddRedisSessionStore</c>.</value>
    public IMeterFactory? MeterFactory { get; set; }
}
