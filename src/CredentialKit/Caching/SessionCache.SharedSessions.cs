using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// The cache's one seam to <see cref="SessionCacheOptions.SharedStore"/>: one <see cref="SharedSessionCoordinator"/> per
/// cache, a <see cref="SharedSessionFetcher"/> around the fetcher of every hop a fleet shares, and the two invalidation
/// paths (a local rejection removes the shared entry; a rejection elsewhere drops the session held here).
/// </summary>
public sealed partial class SessionCache
{
    private readonly SharedSessions? _sharedSessions;

    /// <summary>Gets whether this cache shares sessions with other processes (a <see cref="SessionCacheOptions.SharedStore"/> is set).</summary>
    internal bool SharesSessions => _sharedSessions is not null;

    /// <summary>Gets the shared store's state, or <see langword="null"/> when the cache has none; for health checks.</summary>
    internal SharedSessionStoreStatus? SharedStoreStatus
    {
        get
        {
            if (_sharedSessions is not { } shared)
            {
                return null;
            }

            try
            {
                return shared.Store.GetStatus();
            }
            catch (Exception ex)
            {
                // A status call never fails a health check: report what failed, by type only.
                return new SharedSessionStoreStatus(isAvailable: false, state: "Unknown", lastError: ex.GetType().Name);
            }
        }
    }

    /// <summary>
    /// Returns the fetcher a hop's session refreshes with: <paramref name="fetcher"/> itself, or, when the cache has a
    /// shared store and the hop has a fleet identity, a fetcher that goes through the store first.
    /// </summary>
    /// <param name="fetcher">The hop's own STS fetcher.</param>
    /// <param name="fleetIdentity">The hop's <see cref="FleetHopIdentity"/>, or <see langword="null"/> to keep it per-process.</param>
    /// <param name="settings">The hop's refresh settings (how long an adopted session must live).</param>
    /// <param name="sts">The hop's STS endpoint: with the signer's account, the fleet STS budget's bucket.</param>
    /// <param name="signerRoleArn">The parent hop's role, whose account the hop's STS calls count against; none for a first hop.</param>
    internal ISessionFetcher ShareThrough(ISessionFetcher fetcher, string? fleetIdentity, RefreshSettings settings, StsOptions? sts = null, string? signerRoleArn = null) =>
        _sharedSessions is { } shared && fleetIdentity is not null
            ? new SharedSessionFetcher(fetcher, fleetIdentity, shared.Coordinator, settings, Context.TimeProvider, sts, signerRoleArn)
            : fetcher;

    /// <summary>
    /// Tells the fleet that a service rejected <paramref name="rejected"/> for <paramref name="hop"/>: the shared entry is
    /// removed only while it still holds that session, and the other processes drop it. Runs in the background; the local
    /// invalidation never waits for the store.
    /// </summary>
    internal void ReportRejected(HopDefinition hop, SessionCredentials rejected)
    {
        if (_sharedSessions is not { } shared || hop.Chain.FleetIdentity is not { } hopKey || _disposed)
        {
            return;
        }

        _ = ReportRejectedAsync(shared.Coordinator, hopKey, rejected);
    }

    private static async Task ReportRejectedAsync(SharedSessionCoordinator coordinator, string hopKey, SessionCredentials rejected)
    {
        try
        {
            // The coordinator logs and meters store failures itself and never throws for them.
            await coordinator.InvalidateAsync(hopKey, rejected, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The cache was disposed meanwhile: nobody is left to tell.
        }
    }

    private SharedSessions? CreateCoordinator(SessionCacheOptions options)
    {
        if (options.SharedStore is not { } store)
        {
            return null;
        }

        var telemetry = new SharedSessionTelemetry(options.MeterFactory);
        var coordinator = new SharedSessionCoordinator(
            store, Context.TimeProvider, Context.LoggerFactory.CreateLogger("CredentialKit.SharedSessions"), telemetry);
        coordinator.SessionRejected += OnRejectedElsewhere;
        return new SharedSessions(store, coordinator, telemetry);
    }

    /// <summary>Another process reported a session rejected: drop it here too, but only where it is still the session held.</summary>
    private void OnRejectedElsewhere(SharedSessionChange change)
    {
        if (_disposed)
        {
            return;
        }

        foreach (var session in SessionsInFleet(change.HopKey))
        {
            if (session.CurrentCredentials is { } held && change.Concerns(held))
            {
                session.Invalidate(held);
            }
        }
    }

    /// <summary>Ends the subscription without waiting for it (the synchronous <see cref="Dispose"/>).</summary>
    private void EndSharing()
    {
        if (_sharedSessions is { } shared && shared.TryEnd())
        {
            _ = EndSharingAsync(shared);
        }
    }

    private ValueTask EndSharingAsync() => _sharedSessions is { } shared && shared.TryEnd() ? EndSharingAsync(shared) : ValueTask.CompletedTask;

    private static async ValueTask EndSharingAsync(SharedSessions shared)
    {
        try
        {
            await shared.Coordinator.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            shared.Telemetry.Dispose();
        }
    }

    /// <summary>The store, its coordinator and its instruments; ended once.</summary>
    private sealed class SharedSessions(ISharedSessionStore store, SharedSessionCoordinator coordinator, SharedSessionTelemetry telemetry)
    {
        private int _ended;

        public ISharedSessionStore Store { get; } = store;

        public SharedSessionCoordinator Coordinator { get; } = coordinator;

        public SharedSessionTelemetry Telemetry { get; } = telemetry;

        public bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;
    }
}
