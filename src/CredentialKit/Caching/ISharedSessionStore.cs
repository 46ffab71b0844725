namespace CredentialKit;

/// <summary>
/// A store that lets every process of a fleet share one STS session per hop, so the fleet makes one STS call per hop per
/// refresh instead of one per process. Consulted only on the refresh path (never on the cached read), and only ever as an
/// optimisation: whatever a store does or fails to do, a process falls back to calling STS itself.
/// </summary>
/// <remarks>
/// <para>
/// The refresh of a shared hop goes through these steps, each one call on this interface:
/// (1) <see cref="ReadEntryAsync"/> the shared entry and adopt it when it is newer than the session held and lives long enough;
/// (2) otherwise <see cref="TryAcquireLeaseAsync"/> a short lease on the hop; (3) the lease holder calls STS,
/// <see cref="WriteAsync(string, SessionCredentials, TimeSpan, CancellationToken)"/>s the session (with its remaining lifetime) (which notifies the others) and releases the lease; (4) a process that lost the
/// lease watches for that notification (<see cref="SubscribeAsync"/>) for a bounded time, then reads again, and calls STS
/// itself when nothing usable arrived. <see cref="RemoveAsync"/> serves <c>Invalidate</c>: it removes the shared entry only
/// while it still holds the rejected session, and tells the other processes to drop it.
/// </para>
/// <para>
/// Hop keys are fingerprints (hex SHA-256 prefixes) that never contain a parameter or a secret. Implementations throw
/// when they cannot answer (unreachable, timed out, circuit open); callers then proceed as if there were no store. They
/// must keep the session's secrets unreadable to anyone who can read the store alone.
/// </para>
/// </remarks>
public interface ISharedSessionStore
{
    /// <summary>Reads the session shared for a hop.</summary>
    /// <param name="hopKey">The hop's fleet-wide fingerprint.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>
    /// The shared session, or <see langword="null"/> when there is none, or the entry could not be authenticated (tampered,
    /// written with another key ring, or garbage) and is to be replaced.
    /// </returns>
    /// <exception cref="Exception">The store could not answer (any exception type; callers treat all alike).</exception>
    ValueTask<SessionCredentials?> ReadAsync(string hopKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the session shared for a hop with how long it has left by the store's own count (see
    /// <see cref="SharedSessionEntry"/>). The default implementation calls <see cref="ReadAsync"/> and cannot tell.
    /// </summary>
    /// <param name="hopKey">The hop's fleet-wide fingerprint.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or <see langword="null"/> as for <see cref="ReadAsync"/>.</returns>
    /// <exception cref="Exception">The store could not answer (any exception type; callers treat all alike).</exception>
    async ValueTask<SharedSessionEntry?> ReadEntryAsync(string hopKey, CancellationToken cancellationToken = default) =>
        await ReadAsync(hopKey, cancellationToken).ConfigureAwait(false) is { } credentials ? new SharedSessionEntry(credentials, null) : null;

    /// <summary>Tries to take the hop's refresh lease, atomically and for a bounded time.</summary>
    /// <param name="hopKey">The hop's fleet-wide fingerprint.</param>
    /// <param name="duration">How long the lease lasts unless released first; a holder that dies loses it after this.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>The lease, or <see langword="null"/> when another process holds it.</returns>
    /// <exception cref="Exception">The store could not answer.</exception>
    ValueTask<ISharedSessionLease?> TryAcquireLeaseAsync(string hopKey, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="credentials"/> as the hop's shared session until they expire, then notifies every
    /// subscriber (<see cref="SharedSessionChangeKind.Written"/>).
    /// </summary>
    /// <param name="hopKey">The hop's fleet-wide fingerprint.</param>
    /// <param name="credentials">The session STS just issued.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entry is stored and the notification sent.</returns>
    /// <exception cref="Exception">The store could not answer.</exception>
    ValueTask WriteAsync(string hopKey, SessionCredentials credentials, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="credentials"/> as the hop's shared session for <paramref name="remainingLifetime"/> (how
    /// long it has left on STS's clock, as the writer measured it), then notifies every subscriber. A store that counts
    /// the lifetime down itself (a Redis TTL) answers <see cref="ReadEntryAsync"/> with what is left, whatever the
    /// readers' clocks say. The default implementation ignores the lifetime and calls
    /// <see cref="WriteAsync(string, SessionCredentials, CancellationToken)"/>.
    /// </summary>
    /// <param name="hopKey">The hop's fleet-wide fingerprint.</param>
    /// <param name="credentials">The session STS just issued.</param>
    /// <param name="remainingLifetime">How long the session has left, on STS's clock.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entry is stored and the notification sent.</returns>
    /// <exception cref="Exception">The store could not answer.</exception>
    ValueTask WriteAsync(string hopKey, SessionCredentials credentials, TimeSpan remainingLifetime, CancellationToken cancellationToken = default) =>
        WriteAsync(hopKey, credentials, cancellationToken);

    /// <summary>
    /// Removes the hop's shared entry only while it still holds <paramref name="rejected"/> (compare-and-delete), so a
    /// stale rejection cannot wipe a newer session, and notifies every subscriber
    /// (<see cref="SharedSessionChangeKind.Removed"/>) so that processes holding the rejected session drop it.
    /// </summary>
    /// <param name="hopKey">The hop's fleet-wide fingerprint.</param>
    /// <param name="rejected">The session a service rejected (for example with <c>ExpiredToken</c>).</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns><see langword="true"/> when the entry held <paramref name="rejected"/> and was removed.</returns>
    /// <exception cref="Exception">The store could not answer.</exception>
    ValueTask<bool> RemoveAsync(string hopKey, SessionCredentials rejected, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes to the changes every process publishes. The returned task completes once the subscription is in
    /// force, so a change published after it is never missed.
    /// </summary>
    /// <param name="onChange">Called for every change, on a thread of the store's choosing; must not block or throw.</param>
    /// <param name="cancellationToken">Cancels subscribing.</param>
    /// <returns>A handle that ends the subscription when disposed.</returns>
    /// <exception cref="Exception">The store could not subscribe.</exception>
    ValueTask<IAsyncDisposable> SubscribeAsync(Action<SharedSessionChange> onChange, CancellationToken cancellationToken = default);

    /// <summary>Reports whether the store is answering, for health checks; never a secret.</summary>
    /// <returns>A snapshot of the store's state.</returns>
    SharedSessionStoreStatus GetStatus();
}
