using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;

namespace CredentialKit;

/// <summary>
/// The cache of STS sessions shared by providers. Each hop of a chain is keyed by a fingerprint of its parent and
/// its request, so providers whose chains share a prefix (hub → reports, hub → billing) share the hub's session and its
/// single refresh. Dynamic roles (<see cref="ICredentialProvider.ForRole"/>) live here too, bounded by the size limit.
/// </summary>
/// <remarks>
/// An entry leaves the cache when its session expires without being refreshed, or when the size limit needs room
/// (dynamic roles first). A provider whose session was evicted simply assumes the role again on its next call.
/// </remarks>
public sealed class SessionCache : IDisposable, IAsyncDisposable
{
    private readonly IMemoryCache _cache;
    private readonly bool _ownsCache;
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<RefreshingSession, byte> _sessions = new();
    private volatile bool _disposed;

    /// <summary>Creates a session cache.</summary>
    /// <param name="options">Settings and services; all optional.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SessionCacheOptions.SizeLimit"/> is below 1.</exception>
    public SessionCache(SessionCacheOptions? options = null)
    {
        options ??= new SessionCacheOptions();
        if (options.MemoryCache is null && options.SizeLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SizeLimit,
                "SessionCacheOptions.SizeLimit must be at least 1 (sessions).");
        }

        var timeProvider = options.TimeProvider ?? TimeProvider.System;
        Context = new CredentialKitContext(
            timeProvider,
            options.LoggerFactory ?? NullLoggerFactory.Instance,
            options.MeterFactory is null ? CredentialKitTelemetry.Shared : new CredentialKitTelemetry(options.MeterFactory),
            options.StsClientFactory ?? CredentialKit.StsClientFactory.Instance,
            options.Random ?? System.Random.Shared.NextDouble);
        _ownsCache = options.MemoryCache is null;
        _cache = options.MemoryCache ?? new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = options.SizeLimit,
            Clock = new TimeProviderClock(timeProvider),
            ExpirationScanFrequency = TimeSpan.FromMinutes(1),
        });
    }

    /// <summary>Gets the number of sessions currently held.</summary>
    public int Count => _sessions.Count;

    internal CredentialKitContext Context { get; }

    /// <summary>Removes up to <paramref name="percentage"/> of the sessions, dynamic roles first; mainly for tests and memory pressure.</summary>
    /// <param name="percentage">Share of entries to remove, from 0 to 1.</param>
    public void Compact(double percentage)
    {
        if (_cache is MemoryCache memoryCache)
        {
            memoryCache.Compact(percentage);
        }
    }

    /// <summary>Disposes every session: timers stop, in-flight refreshes are abandoned, providers over this cache throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var session in _sessions.Keys)
        {
            session.Dispose();
        }

        _sessions.Clear();
        if (_ownsCache)
        {
            _cache.Dispose();
        }

        if (!ReferenceEquals(Context.Telemetry, CredentialKitTelemetry.Shared))
        {
            Context.Telemetry.Dispose();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Returns the live session for <paramref name="hop"/>, creating it (without calling STS) when absent.</summary>
    internal RefreshingSession GetOrCreate(HopDefinition hop)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_cache.TryGetValue(hop.Key, out RefreshingSession? session) && session is { IsEvicted: false })
        {
            return session;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_cache.TryGetValue(hop.Key, out session) && session is { IsEvicted: false })
            {
                return session;
            }

            session = hop.CreateSession(this);
            _sessions.TryAdd(session, 0);
            Store(hop, session);
            return session;
        }
    }

    /// <summary>
    /// Adds the session once; it is never re-set (replacing entries of a size-limited cache is what lets its size count
    /// drift). It leaves the cache through <see cref="SessionExpiryToken"/> once nobody holds it and it has expired, or
    /// when compaction needs room.
    /// </summary>
    private void Store(HopDefinition hop, RefreshingSession session)
    {
        var entry = new MemoryCacheEntryOptions { Size = 1, Priority = hop.Priority };
        entry.AddExpirationToken(new SessionExpiryToken(session));
        entry.RegisterPostEvictionCallback(static (_, value, reason, state) =>
        {
            if (reason != EvictionReason.Replaced && value is RefreshingSession evicted)
            {
                ((SessionCache)state!).OnEvicted(evicted, reason);
            }
        }, this);
        _cache.Set(hop.Key, session, entry);
        if (_cache.TryGetValue(hop.Key, out RefreshingSession? stored) && ReferenceEquals(stored, session))
        {
            session.MarkStored();
        }
    }

    private void OnEvicted(RefreshingSession session, EvictionReason reason)
    {
        _sessions.TryRemove(session, out _);
        if (reason == EvictionReason.Capacity && !session.WasStored)
        {
            // The cache was full and refused the new entry: the handle that asked keeps using its session, uncached,
            // rather than re-creating it (and calling STS) on every call until room frees up.
            return;
        }

        // Not disposed: a handle may be using it right now. It stops refreshing and is collected once no handle holds it.
        session.MarkEvicted();
        Context.Telemetry.Untrack(session);
        Evicted?.Invoke(session);
    }

    /// <summary>Raised (on a thread-pool thread) when the cache drops a session; for tests.</summary>
    internal event Action<RefreshingSession>? Evicted;
}
