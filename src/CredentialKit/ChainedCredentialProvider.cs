using Microsoft.Extensions.Caching.Memory;

namespace CredentialKit;

/// <summary>
/// A handle on one hop's session in a <see cref="SessionCache"/>: the <see cref="ICredentialProvider"/> users hold.
/// Cheap to create; re-resolves its session if the cache evicted it.
/// </summary>
internal sealed class ChainedCredentialProvider : ICredentialProvider
{
    private readonly SessionCache _cache;
    private readonly HopDefinition _hop;
    private readonly bool _ownsCache;
    private volatile RefreshingSession _session;
    private volatile bool _disposed;

    public ChainedCredentialProvider(SessionCache cache, HopDefinition hop, bool ownsCache)
    {
        _cache = cache;
        _hop = hop;
        _ownsCache = ownsCache;
        _session = cache.GetOrCreate(hop);
    }

    public string? ProfileName => _hop.Chain.ProfileName;

    /// <summary>The session currently behind this handle (tests await its background refreshes).</summary>
    internal RefreshingSession Session => _session;

    internal HopDefinition Hop => _hop;

    public ValueTask<SessionCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        if (_disposed)
        {
            return ValueTask.FromException<SessionCredentials>(new ObjectDisposedException(nameof(ICredentialProvider)));
        }

        var session = _session;
        if (session.IsEvicted)
        {
            session = Resolve();
        }

        return session.GetCredentialsAsync(cancellationToken);
    }

    public void Invalidate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _session.Invalidate();
    }

    public ICredentialProvider ForRole(AssumeRoleOptions role)
    {
        ArgumentNullException.ThrowIfNull(role);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CredentialProfileOptionsValidator.ThrowIfInvalid(role, _hop.Chain, _hop.RoleArn);

        // The child signs through its own handle on this hop, so disposing this provider does not break it.
        var parent = new ChainedCredentialProvider(_cache, _hop, ownsCache: false);
        var hop = ChainBuilder.AddHop(role, isChained: true, _hop.Key, parent.ToAwsCredentials(), parent, _hop.Chain, CacheItemPriority.Normal);
        return new ChainedCredentialProvider(_cache, hop, ownsCache: false);
    }

    public CredentialProviderStatus GetStatus() => _session.GetStatus();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
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

    private RefreshingSession Resolve()
    {
        var session = _cache.GetOrCreate(_hop);
        _session = session;
        return session;
    }
}
