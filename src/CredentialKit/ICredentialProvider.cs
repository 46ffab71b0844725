namespace CredentialKit;

/// <summary>
/// Hands out temporary AWS credentials, re-issuing them ahead of expiry in the background. Thread-safe; meant to be
/// created once and shared (a singleton).
/// </summary>
public interface ICredentialProvider : IAsyncDisposable, IDisposable
{
    /// <summary>Gets the profile name this provider was created for, if any.</summary>
    string? ProfileName { get; }

    /// <summary>
    /// Returns credentials with at least <see cref="RefreshOptions.MinimumLifetime"/> left. On a valid cached session this
    /// completes synchronously with no lock, no STS call and no allocation.
    /// </summary>
    /// <param name="cancellationToken">Cancels this caller's wait only; a shared refresh others wait on continues.</param>
    /// <returns>The current session credentials.</returns>
    /// <exception cref="CredentialRefreshException">No usable session exists and STS could not issue one.</exception>
    /// <exception cref="ObjectDisposedException">The provider was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    ValueTask<SessionCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops the cached session so the next call fetches fresh credentials, for example after a service answered
    /// <c>ExpiredToken</c>. Invalidations coalesce: for one second after an invalidation dropped a session (counted from
    /// the drop, or from the issue of its replacement when that came later) further invalidations drop nothing, so callers
    /// that saw the same rejection together share one new session and invalidating costs at most one STS call per second.
    /// Prefer <see cref="Invalidate(SessionCredentials)"/> when you have the rejected credentials in hand.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The provider was disposed.</exception>
    void Invalidate();

    /// <summary>
    /// Drops the cached session only if it is still <paramref name="rejected"/>: what a caller that just received
    /// <c>ExpiredToken</c> or <c>InvalidClientTokenId</c> for those credentials should call. If another caller already
    /// replaced them, nothing happens, so any number of concurrent callers reporting the same credentials cost one STS
    /// call. It coalesces like <see cref="Invalidate()"/>: within one second of the last drop it drops nothing.
    /// </summary>
    /// <param name="rejected">The credentials the service rejected, as returned by <see cref="GetCredentialsAsync"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rejected"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The provider was disposed.</exception>
    void Invalidate(SessionCredentials rejected);

    /// <summary>
    /// Returns a provider for <paramref name="role"/> assumed with this provider's session (a dynamic role, such as a
    /// tenant's role with that tenant's external id). The returned provider is a cheap handle over the shared session
    /// cache; disposing it does not affect this provider.
    /// </summary>
    /// <param name="role">The role to assume on top of this provider's session.</param>
    /// <returns>A provider for the role.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The role's options break an STS limit.</exception>
    ICredentialProvider ForRole(AssumeRoleOptions role);

    /// <summary>Returns a snapshot of the provider's state for health checks and dashboards. Contains no secret.</summary>
    /// <returns>The current status; <see cref="CredentialProviderState.Disposed"/> once the provider or its cache was disposed.</returns>
    CredentialProviderStatus GetStatus();
}
