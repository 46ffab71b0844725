namespace CredentialKit;

/// <summary>
/// Maps credentials a service rejected, known only by their access key id (what an AWS SDK request carries), to the session
/// the provider holds, and drops that session through <see cref="ICredentialProvider.Invalidate(SessionCredentials)"/>, so
/// the engine's coalescing applies unchanged.
/// </summary>
internal static class HeldSessionInvalidation
{
    /// <summary>
    /// Drops the session <paramref name="provider"/> holds when its access key id is <paramref name="accessKeyId"/>; never waits.
    /// </summary>
    /// <returns>
    /// <see langword="true"/> when the held session was the rejected one and was reported; <see langword="false"/> when the
    /// provider already holds another session or none (a refresh is under way, which the next caller joins).
    /// </returns>
    /// <exception cref="ObjectDisposedException">The provider was disposed.</exception>
    public static bool Invalidate(ICredentialProvider provider, string accessKeyId)
    {
        var pending = provider.GetCredentialsAsync(CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            // Nothing usable is held, so the rejected session is gone already. The wait is the next caller's; this one only
            // makes sure a failure of it is observed.
            Observe(pending.AsTask());
            return false;
        }

        var held = pending.Result;
        if (!string.Equals(held.AccessKeyId, accessKeyId, StringComparison.Ordinal))
        {
            return false;
        }

        provider.Invalidate(held);
        return true;
    }

    private static void Observe(Task<SessionCredentials> pending)
    {
        if (pending.IsFaulted && pending.Exception.InnerException is ObjectDisposedException disposed)
        {
            throw new ObjectDisposedException(disposed.ObjectName, disposed);
        }

        _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
