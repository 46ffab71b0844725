namespace CredentialKit;

/// <summary>
/// A hop's refresh lease taken with <see cref="ISharedSessionStore.TryAcquireLeaseAsync"/>: while it is held no other
/// process starts the same STS call. Disposing it releases it.
/// </summary>
public interface ISharedSessionLease : IAsyncDisposable
{
    /// <summary>Gets the fingerprint of the hop the lease is on.</summary>
    string HopKey { get; }

    /// <summary>
    /// Releases the lease only if this holder still owns it (compare-and-delete): a holder whose lease already expired and
    /// was taken by another process does not release the other's lease.
    /// </summary>
    /// <param name="cancellationToken">Cancels the release.</param>
    /// <returns><see langword="true"/> when this holder still owned the lease and released it.</returns>
    /// <exception cref="Exception">The store could not answer; the lease then simply expires.</exception>
    ValueTask<bool> ReleaseAsync(CancellationToken cancellationToken = default);
}
