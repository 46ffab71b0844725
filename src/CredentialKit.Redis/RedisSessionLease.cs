namespace CredentialKit.Redis;

/// <summary>A hop's refresh lease in Redis: the lease key holds this holder's random token until released or expired.</summary>
internal sealed class RedisSessionLease(RedisSharedSessionStore store, string hopKey, string token) : ISharedSessionLease
{
    private int _released;

    public string HopKey { get; } = hopKey;

    public ValueTask<bool> ReleaseAsync(CancellationToken cancellationToken = default) =>
        Interlocked.Exchange(ref _released, 1) == 0 ? store.ReleaseLeaseAsync(HopKey, token, cancellationToken) : ValueTask.FromResult(false);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: an unreleased lease expires on its own; the failure is already logged and metered.
        }
    }
}
