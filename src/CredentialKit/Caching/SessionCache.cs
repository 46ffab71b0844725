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
    private readonly ConcurrentDictionary<string, HopEntry> _entries = new(StringComparer.Ordinal);
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
        StsClients = new SharedStsClients();
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
    public int Count => _entries.Count;

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
                return _entries.Values.Count(e => e.IsPooled);
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
        HopEntry[] entries;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            entries = [.. _entries.Values];
            _entries.Clear();
            _fleetIndex.Clear();
            foreach (var entry in entries)
            {
                if (entry.IsPooled && !_ownsPool)
                {
                    _idlePool.Remove(entry.Hop.Key); // a borrowed memory cache keeps none of our entries
                }

                entry.IsPooled = false;
                entry.IsRetired = true;
            }
        }

        foreach (var entry in entries)
        {
            entry.Session.Dispose();
            if (entry.GaugeSlot >= 0)
            {
                // After the session stopped writing to it: a slot returned earlier could be rented by another session.
                Context.Telemetry.Untrack(entry.GaugeSlot);
                entry.GaugeSlot = -1;
            }
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
