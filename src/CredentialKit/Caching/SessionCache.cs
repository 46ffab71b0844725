using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;

namespace CredentialKit;

/// <summary>
/// The cache of STS sessions shared by providers. Each hop of a chain is keyed by a fingerprint of its parent and
/// its request, so providers whose chains share a prefix (hub → reports, hub → billing) share the hub's session and its
/// single refresh. Dynamic roles (<see cref="ICredentialProvider.ForRole"/>) live here too.
/// </summary>
/// <remarks>
/// <para>
/// A session held by a live provider (or by an active child hop of one) is never evicted: a working set larger than the
/// size limit costs no extra STS call. <see cref="SessionCacheOptions.SizeLimit"/> bounds the sessions nobody holds, such
/// as those of <c>ForRole</c> handles created per request and disposed: they wait in an idle pool for the next handle on
/// the same role, and leave it (disposed: no timer, no gauge series) when the pool needs room or their credentials expire.
/// </para>
/// <para>
/// Memory, timers and gauge series are therefore proportional to the held sessions plus at most the size limit of unheld
/// ones; held sessions alone have timers and gauge series. Disposing the cache disposes every session.
/// </para>
/// </remarks>
public sealed partial class SessionCache : IDisposable, IAsyncDisposable
{
    private readonly IMemoryCache _idlePool;
    private readonly bool _ownsPool;
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, RefreshingSession> _sessions = new(StringComparer.Ordinal);
    private volatile bool _disposed;

    /// <summary>Creates a session cache.</summary>
    /// <param name="options">Settings and services; all optional.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SessionCacheOptions.SizeLimit"/> is below 1, or the STS rate limit is out of range.</exception>
    public SessionCache(SessionCacheOptions? options = null)
    {
        options ??= new SessionCacheOptions();
        if (options.MemoryCache is null && options.SizeLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SizeLimit,
                "SessionCacheOptions.SizeLimit must be at least 1 (sessions nobody holds).");
        }

        ValidateStsRateLimit(options);

        var timeProvider = options.TimeProvider ?? TimeProvider.System;
        Context = new CredentialKitContext(
            timeProvider,
            options.LoggerFactory ?? NullLoggerFactory.Instance,
            options.MeterFactory is null ? CredentialKitTelemetry.Shared : new CredentialKitTelemetry(options.MeterFactory),
            options.StsClientFactory ?? CredentialKit.StsClientFactory.Instance,
            options.Random ?? System.Random.Shared.NextDouble,
            CreateStsRateLimiter(options, timeProvider),
            options.PerRoleMetrics);
        StsClients = new SharedStsClients(Context.StsClientFactory);
        _sharedSessions = CreateCoordinator(options);
        _ownsPool = options.MemoryCache is null;
        _idlePool = options.MemoryCache ?? new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = options.SizeLimit,
            Clock = new TimeProviderClock(timeProvider),
            ExpirationScanFrequency = SessionCacheDefaults.ExpirationScanFrequency,
        });
    }

    /// <summary>
    /// Gets the number of sessions the cache keeps: every session a live provider holds, plus the unheld ones in the idle
    /// pool (at most <see cref="SessionCacheOptions.SizeLimit"/>).
    /// </summary>
    public int Count => _sessions.Count;

    internal CredentialKitContext Context { get; }

    /// <summary>The STS clients of this cache's hops, one set per signer and endpoint.</summary>
    internal SharedStsClients StsClients { get; }

    internal bool IsDisposed => _disposed;

    /// <summary>Gets the number of sessions nobody holds that the idle pool keeps; for tests and benchmarks.</summary>
    internal int IdleCount
    {
        get
        {
            lock (_gate)
            {
                return _sessions.Values.Count(s => s.IsPooled);
            }
        }
    }

    /// <summary>
    /// Removes up to <paramref name="percentage"/> of the sessions nobody holds, dynamic roles first; sessions held by a
    /// live provider are never removed. Mainly for tests and memory pressure.
    /// </summary>
    /// <param name="percentage">Share of the idle pool to remove, from 0 to 1.</param>
    public void Compact(double percentage)
    {
        if (_idlePool is MemoryCache memoryCache)
        {
            memoryCache.Compact(percentage);
        }
    }

    /// <summary>Disposes every session: timers stop, in-flight refreshes are abandoned, providers over this cache throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        RefreshingSession[] sessions;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            sessions = [.. _sessions.Values];
            _sessions.Clear();
            foreach (var session in sessions)
            {
                if (session.IsPooled && !_ownsPool)
                {
                    _idlePool.Remove(session.Hop!.Key); // a borrowed memory cache keeps none of our entries
                }

                session.IsPooled = false;
            }
        }

        foreach (var session in sessions)
        {
            session.Dispose();
        }

        if (_ownsPool)
        {
            _idlePool.Dispose();
        }

        StsClients.Dispose();

        Context.StsRateLimiter?.Dispose();

        if (!ReferenceEquals(Context.Telemetry, CredentialKitTelemetry.Shared))
        {
            Context.Telemetry.Dispose();
        }

        EndSharing();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Ends the shared store's subscription and waits for it, where the synchronous Dispose cannot.
        var endingSharing = EndSharingAsync();
        Dispose();
        await endingSharing.ConfigureAwait(false);
    }

    /// <summary>
    /// Takes a handle on the live session for <paramref name="hop"/>: <paramref name="current"/> while it is live, else
    /// the cached one, else a new one (without calling STS). A held session is never evicted.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    internal RefreshingSession Acquire(HopDefinition hop, RefreshingSession? current = null)
    {
        while (true)
        {
            var session = current is { IsEvicted: false } ? current : GetOrCreate(hop, pool: false);
            if (session.TryAddHandle())
            {
                Reconcile(session);
                return session;
            }

            // The idle pool retired it between the look-up and the handle: take the one that replaces it.
            current = null;
        }
    }

    /// <summary>Releases a handle taken by <see cref="Acquire"/>; a session nobody holds any more goes to the idle pool.</summary>
    internal void Release(RefreshingSession session)
    {
        if (session.ReleaseHandle())
        {
            Reconcile(session);
        }
    }

    /// <summary>
    /// Returns the live session for <paramref name="hop"/> without holding it, creating it (without calling STS) when
    /// absent; for a chain's inner handles that are not active. An unheld new session waits in the idle pool.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    internal RefreshingSession Peek(HopDefinition hop) => GetOrCreate(hop, pool: true);

    private RefreshingSession GetOrCreate(HopDefinition hop, bool pool)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_sessions.TryGetValue(hop.Key, out var session) && !session.IsEvicted)
        {
            return session;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_sessions.TryGetValue(hop.Key, out session) && !session.IsEvicted)
            {
                return session;
            }

            session = hop.CreateSession(this);
            session.Hop = hop;
            _sessions[hop.Key] = session;
        }

        if (pool)
        {
            Reconcile(session);
        }

        return session;
    }

    /// <summary>
    /// Puts a session in the idle pool when nobody holds it, and takes it out when someone does. Called after every
    /// change of its handle count; whichever call runs last sees the final count, so the pool ends up right however the
    /// changes interleave.
    /// </summary>
    private void Reconcile(RefreshingSession session)
    {
        lock (_gate)
        {
            if (_disposed || session.IsEvicted)
            {
                return;
            }

            var held = session.HandleCount > 0;
            if (held && session.IsPooled)
            {
                session.IsPooled = false;
                session.PoolGeneration++;
                _idlePool.Remove(session.Hop!.Key);
            }
            else if (!held && !session.IsPooled)
            {
                session.IsPooled = true;
                Pool(session, ++session.PoolGeneration);
            }
        }
    }

    // Called under _gate.
    private void Pool(RefreshingSession session, long generation)
    {
        var hop = session.Hop!;
        var entry = new MemoryCacheEntryOptions { Size = 1, Priority = hop.Priority };
        entry.AddExpirationToken(new SessionExpiryToken(session));
        entry.RegisterPostEvictionCallback(static (_, value, reason, state) =>
        {
            if (value is IdlePoolEntry evicted)
            {
                ((SessionCache)state!).OnEvicted(evicted, reason);
            }
        }, this);

        // A full pool refuses the entry (EvictionReason.Capacity) and compacts: the callback then retires this session.
        _idlePool.Set(hop.Key, new IdlePoolEntry(session, generation), entry);
    }

    private void OnEvicted(IdlePoolEntry evicted, EvictionReason reason)
    {
        var session = evicted.Session;
        lock (_gate)
        {
            // Replaced or removed by us, taken back by a handle since, or already gone: nothing to do.
            if (_disposed || evicted.Generation != session.PoolGeneration || !session.IsPooled || !session.TryRetire())
            {
                return;
            }

            session.IsPooled = false;
            _sessions.TryRemove(new KeyValuePair<string, RefreshingSession>(session.Hop!.Key, session));
        }

        // Nobody holds it and no handle can take it any more: stop everything it owns. A handle that still refers to it
        // (a chain's inactive inner handle) resolves its replacement on its next call.
        session.Dispose();
        Evicted?.Invoke(session, reason);
    }

    private static void ValidateStsRateLimit(SessionCacheOptions options)
    {
        if (options.StsRequestsPerSecond is < 0 or > StsRateLimitDefaults.MaximumRequestsPerSecond)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StsRequestsPerSecond,
                $"SessionCacheOptions.StsRequestsPerSecond must be from 0 (no limit) to {StsRateLimitDefaults.MaximumRequestsPerSecond} (STS calls per second).");
        }

        if (options.StsRequestBurst is < 1 or > StsRateLimitDefaults.MaximumBurst)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StsRequestBurst,
                $"SessionCacheOptions.StsRequestBurst must be from 1 to {StsRateLimitDefaults.MaximumBurst} (STS calls).");
        }

        FleetStsPacer.Validate(options);
    }

    private static StsRateLimiter? CreateStsRateLimiter(SessionCacheOptions options, TimeProvider timeProvider) =>
        options.StsRequestsPerSecond == 0
            ? null
            : new StsRateLimiter(timeProvider, options.StsRequestsPerSecond, options.StsRequestBurst, StsRateLimitDefaults.UrgentHorizon,
                FleetStsPacer.Create(options, timeProvider, options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));

    /// <summary>Gets the pace of STS calls over this cache, or <see langword="null"/> when off; for tests and benchmarks.</summary>
    internal StsRateLimiter? StsRateLimiter => Context.StsRateLimiter;

    /// <summary>Raised (on a thread-pool thread) when the idle pool drops and disposes a session; for tests.</summary>
    internal event Action<RefreshingSession, EvictionReason>? Evicted;
}
