using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace CredentialKit.Redis;

/// <summary>
/// An <see cref="ISharedSessionStore"/> on Redis, so every process of a fleet shares one STS session per hop: entries
/// encrypted and authenticated with ASP.NET Core Data Protection, a lease per hop taken with <c>SET NX PX</c> and released
/// by compare-and-delete, pub/sub notifications, every operation time-boxed, and a circuit breaker that stops paying
/// timeouts while Redis is down.
/// </summary>
/// <remarks>
/// <para>Keys (under <see cref="RedisSharedSessionStoreOptions.KeyPrefix"/>) hold fingerprints only:
/// <c>{prefix}session:{hop}</c> (the encrypted session, expiring with it), <c>{prefix}lease:{hop}</c> (a random token) and
/// the channel <c>{prefix}changes</c> (hop fingerprint, kind and a session fingerprint).</para>
/// <para>Failures are thrown to the caller (CredentialKit's refresh path), which then calls STS as if there were no store;
/// an entry that does not authenticate (tampered, another key ring, garbage) reads as absent, is logged without its
/// content, and is replaced by the next refresh.</para>
/// </remarks>
/// <example>
/// <code>
/// var store = new RedisSharedSessionStore(new RedisSharedSessionStoreOptions { ConnectionMultiplexer = mux, DataProtectionProvider = dp });
/// var cache = new SessionCache(new SessionCacheOptions { SharedStore = store });
/// </code>
/// </example>
public sealed partial class RedisSharedSessionStore : ISharedSessionStore, IAsyncDisposable, IDisposable
{
    private const string CompareAndDeleteScript =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    private const int MaxHopKeyLength = 128;

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RedisStoreTelemetry _telemetry;
    private readonly SessionEntryCodec _codec;
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly string _prefix;
    private readonly TimeSpan _operationTimeout;
    private readonly RedisChannel _channel;
    private readonly ConfigurationOptions? _ownConfiguration;
    private readonly object _gate = new();
    private readonly Action<RedisChannel, RedisValue> _onMessage;
    private IConnectionMultiplexer? _connection;
    private Task<ConnectionMultiplexer>? _connecting;
    private Action<SharedSessionChange>[] _subscribers = [];
    private volatile bool _channelSubscribed;
    private volatile bool _disposed;
    private DateTimeOffset? _unavailableSince;
    private string? _lastError;

    /// <summary>Creates a store; it connects (when given <see cref="RedisSharedSessionStoreOptions.Configuration"/>) on first use.</summary>
    /// <param name="options">The connection, the Data Protection provider and the settings.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is missing or out of range; the message names it.</exception>
    public RedisSharedSessionStore(RedisSharedSessionStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        RedisSharedSessionStoreOptionsValidator.ThrowIfInvalid(options);

        _time = options.TimeProvider ?? TimeProvider.System;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("CredentialKit.Redis.RedisSharedSessionStore");
        _telemetry = new RedisStoreTelemetry(options.MeterFactory, () => GetStatus().IsAvailable ? 1 : 0);
        _codec = new SessionEntryCodec(options.DataProtectionProvider!.CreateProtector(RedisSharedSessionStoreDefaults.ProtectorPurpose));
        _prefix = options.KeyPrefix;
        _operationTimeout = options.OperationTimeout;
        _channel = RedisChannel.Literal(_prefix + "changes");
        _onMessage = OnMessage;
        _connection = options.ConnectionMultiplexer;
        if (_connection is null)
        {
            _ownConfiguration = ConfigurationOptions.Parse(options.Configuration!);
            var timeoutMs = (int)Math.Ceiling(options.OperationTimeout.TotalMilliseconds);

            // Never worse than no store: keep starting while Redis is down, and fail commands at once while disconnected
            // instead of queueing them behind a reconnect.
            _ownConfiguration.AbortOnConnectFail = false;
            _ownConfiguration.BacklogPolicy = BacklogPolicy.FailFast;
            _ownConfiguration.AsyncTimeout = timeoutMs;
            _ownConfiguration.SyncTimeout = timeoutMs;
            _ownConfiguration.ConnectTimeout = Math.Max(timeoutMs, 1000);
        }

        _pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = RedisSharedSessionStoreDefaults.CircuitFailureRatio,
                MinimumThroughput = RedisSharedSessionStoreDefaults.CircuitMinimumThroughput,
                SamplingDuration = RedisSharedSessionStoreDefaults.CircuitSamplingDuration,
                BreakDuration = options.CircuitBreakDuration,
                StateProvider = _circuit,
                OnOpened = args =>
                {
                    lock (_gate)
                    {
                        _unavailableSince ??= _time.GetUtcNow();
                    }

                    RedisStoreLog.CircuitOpened(_logger, args.Outcome.Exception?.GetType().Name ?? "failure", args.BreakDuration);
                    _telemetry.CircuitChanges.Add(1, new KeyValuePair<string, object?>("state", "open"));
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    RedisStoreLog.CircuitHalfOpened(_logger);
                    _telemetry.CircuitChanges.Add(1, new KeyValuePair<string, object?>("state", "half_open"));
                    return default;
                },
                OnClosed = _ =>
                {
                    lock (_gate)
                    {
                        _unavailableSince = null;
                    }

                    RedisStoreLog.CircuitClosed(_logger);
                    _telemetry.CircuitChanges.Add(1, new KeyValuePair<string, object?>("state", "closed"));
                    return default;
                },
            })
            .AddTimeout(options.OperationTimeout)
            .Build();
    }

    /// <inheritdoc />
    public async ValueTask<SessionCredentials?> ReadAsync(string hopKey, CancellationToken cancellationToken = default) =>
        (await ReadEntryAsync(hopKey, cancellationToken).ConfigureAwait(false))?.Credentials;

    /// <inheritdoc />
    /// <remarks>The remaining lifetime is the entry's TTL, which Redis counts down on its own clock.</remarks>
    public async ValueTask<SharedSessionEntry?> ReadEntryAsync(string hopKey, CancellationToken cancellationToken = default)
    {
        var key = EntryKey(hopKey);
        var started = _time.GetTimestamp();
        var (value, expiry) = await ExecuteAsync("read", hopKey, started, static async (connection, state, _) =>
        {
            var read = await connection.GetDatabase().StringGetWithExpiryAsync(state).ConfigureAwait(false);
            return ((byte[]?)read.Value, read.Expiry);
        }, key, cancellationToken).ConfigureAwait(false);
        if (value is null)
        {
            _telemetry.Record("read", "miss", _time.GetElapsedTime(started));
            return null;
        }

        var problem = _codec.TryDecode(value, hopKey, out var credentials);
        if (problem is not null)
        {
            RedisStoreLog.InvalidEntry(_logger, hopKey, problem);
            _telemetry.Record("read", "invalid_entry", _time.GetElapsedTime(started));
            return null;
        }

        _telemetry.Record("read", "success", _time.GetElapsedTime(started));
        return new SharedSessionEntry(credentials!, expiry);
    }

    /// <inheritdoc />
    public async ValueTask<ISharedSessionLease?> TryAcquireLeaseAsync(string hopKey, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var key = LeaseKey(hopKey);
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var started = _time.GetTimestamp();

        // SET key token NX PX duration: atomic in Redis, and the token makes the release a compare-and-delete.
        var taken = await ExecuteAsync("lease", hopKey, started, static (connection, state, _) =>
            connection.GetDatabase().LockTakeAsync(state.key, state.token, state.duration), (key, token, duration), cancellationToken).ConfigureAwait(false);
        _telemetry.Record("lease", taken ? "success" : "held", _time.GetElapsedTime(started));
        return taken ? new RedisSessionLease(this, hopKey, token) : null;
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(string hopKey, SessionCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return WriteAsync(hopKey, credentials, credentials.Expiration - _time.GetUtcNow(), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The entry's TTL is <paramref name="remainingLifetime"/>: readers get what is left of it.</remarks>
    public async ValueTask WriteAsync(string hopKey, SessionCredentials credentials, TimeSpan remainingLifetime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var key = EntryKey(hopKey);
        var timeToLive = remainingLifetime;
        if (timeToLive <= TimeSpan.Zero)
        {
            return; // nothing worth sharing; the TTL must end at the session's expiration
        }

        var value = _codec.Encode(hopKey, credentials);
        var notice = Notice(SharedSessionChangeKind.Written, hopKey, credentials);
        var started = _time.GetTimestamp();
        await ExecuteAsync("write", hopKey, started, static async (connection, state, _) =>
        {
            await connection.GetDatabase().StringSetAsync(state.key, state.value, state.timeToLive, When.Always).ConfigureAwait(false);
            await connection.GetSubscriber().PublishAsync(state.channel, state.notice).ConfigureAwait(false);
            return true;
        }, (key, value, timeToLive, channel: _channel, notice), cancellationToken).ConfigureAwait(false);
        _telemetry.Record("write", "success", _time.GetElapsedTime(started));
    }

    /// <inheritdoc />
    public async ValueTask<bool> RemoveAsync(string hopKey, SessionCredentials rejected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        var key = EntryKey(hopKey);
        var started = _time.GetTimestamp();
        var current = await ExecuteAsync("remove", hopKey, started, static async (connection, state, _) =>
            (byte[]?)await connection.GetDatabase().StringGetAsync(state).ConfigureAwait(false), key, cancellationToken).ConfigureAwait(false);

        // Only the exact value that holds the rejected session is deleted: a newer session written meanwhile survives.
        var holdsRejected = current is not null
            && _codec.TryDecode(current, hopKey, out var stored) is null
            && string.Equals(stored!.AccessKeyId, rejected.AccessKeyId, StringComparison.Ordinal);
        var notice = Notice(SharedSessionChangeKind.Removed, hopKey, rejected);
        var removed = await ExecuteAsync("remove", hopKey, started, static async (connection, state, _) =>
        {
            var deleted = false;
            if (state.holdsRejected)
            {
                var result = await connection.GetDatabase().ScriptEvaluateAsync(CompareAndDeleteScript, [state.key], [state.current]).ConfigureAwait(false);
                deleted = (long)result == 1;
            }

            await connection.GetSubscriber().PublishAsync(state.channel, state.notice).ConfigureAwait(false);
            return deleted;
        }, (key, current: (RedisValue)current, holdsRejected, channel: _channel, notice), cancellationToken).ConfigureAwait(false);
        _telemetry.Record("remove", removed ? "success" : "miss", _time.GetElapsedTime(started));
        return removed;
    }

    /// <inheritdoc />
    public async ValueTask<IAsyncDisposable> SubscribeAsync(Action<SharedSessionChange> onChange, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_channelSubscribed)
        {
            var started = _time.GetTimestamp();
            await ExecuteAsync("subscribe", "*", started, static async (connection, store, _) =>
            {
                // StackExchange.Redis re-subscribes by itself after a reconnect.
                await connection.GetSubscriber().SubscribeAsync(store._channel, store._onMessage).ConfigureAwait(false);
                store._channelSubscribed = true;
                return true;
            }, this, cancellationToken).ConfigureAwait(false);
            _telemetry.Record("subscribe", "success", _time.GetElapsedTime(started));
        }

        lock (_gate)
        {
            _subscribers = [.. _subscribers, onChange];
        }

        return new Subscription(this, onChange);
    }

    /// <inheritdoc />
    public SharedSessionStoreStatus GetStatus()
    {
        var state = _circuit.CircuitState;
        lock (_gate)
        {
            return new SharedSessionStoreStatus(
                state is CircuitState.Closed or CircuitState.HalfOpen,
                state.ToString(),
                state is CircuitState.Open or CircuitState.Isolated ? _unavailableSince : null,
                _lastError);
        }
    }

    /// <summary>Closes the connection the store opened itself (not one it was given) and stops listening.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownConfiguration is not null)
        {
            if (await OwnConnectionAsync().ConfigureAwait(false) is { } own)
            {
                await own.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
                own.Dispose();
            }
        }
        else if (_connection is { } connection)
        {
            if (_channelSubscribed)
            {
                try
                {
                    await connection.GetSubscriber().UnsubscribeAsync(_channel, _onMessage).WaitAsync(_operationTimeout, _time).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // The connection is the owner's; it may already be down.
                }
            }
        }

        _telemetry.Dispose();
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownConfiguration is not null)
        {
            // A connection attempt still under way is disposed when it ends.
            _ = OwnConnectionAsync().AsTask().ContinueWith(static t => t.Result?.Dispose(), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        _telemetry.Dispose();
    }

    /// <summary>The connection this store opened itself, once its attempt ends; <see langword="null"/> if none was made or it failed.</summary>
    private async ValueTask<IConnectionMultiplexer?> OwnConnectionAsync()
    {
        Task<ConnectionMultiplexer>? connecting;
        lock (_gate)
        {
            connecting = _connecting;
        }

        if (connecting is null)
        {
            return null;
        }

        try
        {
            return await connecting.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    internal async ValueTask<bool> ReleaseLeaseAsync(string hopKey, string token, CancellationToken cancellationToken)
    {
        var key = LeaseKey(hopKey);
        var started = _time.GetTimestamp();
        var released = await ExecuteAsync("release", hopKey, started, static (connection, state, _) =>
            connection.GetDatabase().LockReleaseAsync(state.key, state.token), (key, token), cancellationToken).ConfigureAwait(false);
        _telemetry.Record("release", released ? "success" : "not_owner", _time.GetElapsedTime(started));
        return released;
    }

    /// <summary>Validates a hop key: a fingerprint (letters, digits, <c>:_.-</c>), never a parameter in clear.</summary>
    internal static string CheckHopKey(string hopKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(hopKey);
        if (hopKey.Length > MaxHopKeyLength || !hopKey.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '.' or '-'))
        {
            throw new ArgumentException(
                $"A hop key is a fingerprint of at most {MaxHopKeyLength} characters from [A-Za-z0-9:_.-]; this one has {hopKey.Length} characters or others.",
                nameof(hopKey));
        }

        return hopKey;
    }

    private RedisKey EntryKey(string hopKey) => _prefix + "session:" + CheckHopKey(hopKey);

    private RedisKey LeaseKey(string hopKey) => _prefix + "lease:" + CheckHopKey(hopKey);

    /// <summary>Runs one Redis operation inside the circuit breaker and the time-box; records failures, then rethrows them.</summary>
    private async ValueTask<TResult> ExecuteAsync<TResult, TState>(
        string operation,
        string hopKey,
        long started,
        Func<IConnectionMultiplexer, TState, CancellationToken, Task<TResult>> action,
        TState state,
        CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            return await _pipeline.ExecuteAsync(static async (context, token) =>
            {
                var connection = await context.Store.ConnectionAsync(token).ConfigureAwait(false);

                // StackExchange.Redis commands take no token: the time-box abandons the wait, not the command.
                return await context.Action(connection, context.State, token).WaitAsync(token).ConfigureAwait(false);
            }, (Store: this, Action: action, State: state), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var outcome = ex switch
            {
                BrokenCircuitException => "circuit_open",
                TimeoutRejectedException or RedisTimeoutException => "timeout",
                _ => "error",
            };
            if (ex is not BrokenCircuitException)
            {
                lock (_gate)
                {
                    _lastError = ex.GetType().Name;
                }
            }

            RedisStoreLog.OperationFailed(_logger, operation, hopKey, ex.GetType().Name);
            _telemetry.Record(operation, outcome, _time.GetElapsedTime(started));
            throw;
        }
    }

    private async ValueTask<IConnectionMultiplexer> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is { } connection)
        {
            return connection;
        }

        Task<ConnectionMultiplexer> connecting;
        lock (_gate)
        {
            // One connection attempt at a time, shared by every caller and kept across time-boxes: a caller that gave up
            // waiting does not start a second multiplexer. AbortOnConnectFail is off, so the attempt ends with a
            // multiplexer, connected or not, that keeps reconnecting in the background.
            connecting = _connecting ??= ConnectionMultiplexer.ConnectAsync(_ownConfiguration!);
        }

        try
        {
            var connected = await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _connection, connected);
            return connected;
        }
        catch (Exception) when (connecting.IsFaulted)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_connecting, connecting))
                {
                    _connecting = null;
                }
            }

            throw;
        }
    }
}
