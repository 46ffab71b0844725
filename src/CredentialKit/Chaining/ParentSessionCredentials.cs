using Amazon.Runtime;

namespace CredentialKit;

/// <summary>
/// Signs a hop's STS calls with its parent hop's session, as the AWS SDK's <see cref="AWSCredentials"/>. One per signer
/// and endpoint, shared by every child hop of that parent (<see cref="SharedStsClients"/>).
/// </summary>
/// <remarks>
/// Each read leases the parent hop from the cache for as long as it lasts, so the session it reads cannot be retired
/// under it. While a child hop is held the parent is held already (the child's <see cref="HopEntry.ParentLease"/>), and
/// the lease only counts; it matters for a child's refresh that outlives the child's last handle.
/// </remarks>
internal sealed class ParentSessionCredentials(SessionCache cache, HopDefinition parentHop) : AWSCredentials
{
    /// <summary>Drops the parent's current session (STS said it expired), so the next read fetches a new one.</summary>
    public void Invalidate() => cache.LiveSession(parentHop)?.Invalidate();

    public override ImmutableCredentials GetCredentials()
    {
        var lease = cache.Acquire(parentHop);
        try
        {
            var pending = lease.Session.GetCredentialsAsync(CancellationToken.None);

            // AWSCredentials.GetCredentials is synchronous by contract; the SDK's STS client reads asynchronously.
            return pending.IsCompletedSuccessfully ? pending.Result.SdkCredentials : pending.AsTask().GetAwaiter().GetResult().SdkCredentials;
        }
        finally
        {
            cache.Release(lease);
        }
    }

    public override Task<ImmutableCredentials> GetCredentialsAsync()
    {
        HopEntry lease;
        ValueTask<SessionCredentials> pending;
        try
        {
            lease = cache.Acquire(parentHop);
        }
        catch (ObjectDisposedException)
        {
            // As every read over a disposed cache: a faulted task, not a throw from the call.
            return Task.FromException<ImmutableCredentials>(new ObjectDisposedException(nameof(ICredentialProvider)));
        }

        try
        {
            pending = lease.Session.GetCredentialsAsync(CancellationToken.None);
        }
        catch
        {
            cache.Release(lease);
            throw;
        }

        if (pending.IsCompleted)
        {
            cache.Release(lease);
            return pending.IsCompletedSuccessfully ? pending.Result.SdkCredentialsTask : AwaitAsync(pending);
        }

        return AwaitReleasingAsync(lease, pending);
    }

    private static async Task<ImmutableCredentials> AwaitAsync(ValueTask<SessionCredentials> pending) =>
        (await pending.ConfigureAwait(false)).SdkCredentials;

    private async Task<ImmutableCredentials> AwaitReleasingAsync(HopEntry lease, ValueTask<SessionCredentials> pending)
    {
        try
        {
            return (await pending.ConfigureAwait(false)).SdkCredentials;
        }
        finally
        {
            cache.Release(lease);
        }
    }
}
