using Microsoft.Extensions.Caching.Memory;

namespace CredentialKit;

/// <summary>
/// A handle on one hop's session in a <see cref="SessionCache"/>: the <see cref="ICredentialProvider"/> users hold.
/// Cheap to create. It holds a lease on its hop from creation until disposed (<see cref="SessionCache.Acquire"/>), and so
/// its session and the sessions of the hops before it: the cache never evicts a leased hop.
/// </summary>
internal sealed class ChainedCredentialProvider : ICredentialProvider
{
    private readonly SessionCache _cache;
    private readonly HopDefinition _hop;
    private readonly HopEntry _lease;
    private readonly bool _ownsCache;
    private int _disposed;

    /// <summary>Creates a handle on <paramref name="hop"/>'s session, holding it until disposed.</summary>
    /// <param name="cache">The cache holding the session.</param>
    /// <param name="hop">The hop.</param>
    /// <param name="ownsCache">Whether disposing this handle disposes the cache.</param>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    public ChainedCredentialProvider(SessionCache cache, HopDefinition hop, bool ownsCache)
    {
        _cache = cache;
        _hop = hop;
        _ownsCache = ownsCache;
        _lease = cache.Acquire(hop);
    }

    public string? ProfileName => _hop.Chain.ProfileName;

    /// <summary>The session behind this handle (tests await its background refreshes).</summary>
    internal RefreshingSession Session => _lease.Session;

    /// <summary>The sessions of this hop and of the hops it leases, from it to the chain's first hop; for tests.</summary>
    internal IReadOnlyList<RefreshingSession> Chain => _cache.ChainOf(_lease);

    internal HopDefinition Hop => _hop;

    private bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public ValueTask<SessionCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) =>
        IsDisposed
            ? ValueTask.FromException<SessionCredentials>(new ObjectDisposedException(nameof(ICredentialProvider)))
            : _lease.Session.GetCredentialsAsync(cancellationToken);

    public void Invalidate()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        _lease.Session.Invalidate();
    }

    public void Invalidate(SessionCredentials rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        _lease.Session.Invalidate(rejected);
        _cache.ReportRejected(_hop, rejected);
    }

    public ICredentialProvider ForRole(AssumeRoleOptions role)
    {
        ArgumentNullException.ThrowIfNull(role);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        CredentialKitProfileOptionsValidator.ThrowIfInvalid(role, _hop.Chain, _hop.RoleArn);

        // The child signs with this hop's session through the cache (shared by every child of it, with one STS client)
        // and leases this hop itself, so disposing this provider does not break it.
        var hop = ChainBuilder.AddHop(role, _hop.Chain.IsRoleSession, HopSigner.Of(_hop), _hop.Chain, CacheItemPriority.Normal);
        return new ChainedCredentialProvider(_cache, hop, ownsCache: false);
    }

    public CredentialProviderStatus GetStatus()
    {
        var status = _lease.Session.GetStatus() with { UnavailableEndpoints = _cache.Context.EndpointHealth.UnavailableAmong(_hop.Chain.Sts) };
        return IsDisposed || _cache.IsDisposed
            ? status with { State = CredentialProviderState.Disposed, Expiration = null, RemainingLifetime = null, MaskedAccessKeyId = null }
            : status;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _cache.Release(_lease);
        if (_ownsCache)
        {
            _cache.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"CredentialProvider({_hop.RoleArn}{RefreshingSession.ProfileSuffix(ProfileName)})";
}
