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
    private readonly bool _isUserHandle;
    private readonly object _gate = new();
    private volatile RefreshingSession _session;
    private volatile bool _disposed;
    private int _activations;

    /// <summary>Creates a handle on <paramref name="hop"/>'s session.</summary>
    /// <param name="cache">The cache holding the session.</param>
    /// <param name="hop">The hop.</param>
    /// <param name="ownsCache">Whether disposing this handle disposes the cache.</param>
    /// <param name="isUserHandle">
    /// Whether this handle is given to a user (and so keeps its session refreshing in the background until disposed).
    /// The chain's internal parent handles are not: they are active only while a child hop is.
    /// </param>
    public ChainedCredentialProvider(SessionCache cache, HopDefinition hop, bool ownsCache, bool isUserHandle = false)
    {
        _cache = cache;
        _hop = hop;
        _ownsCache = ownsCache;
        _isUserHandle = isUserHandle;
        _session = cache.GetOrCreate(hop);
        if (isUserHandle)
        {
            Activate();
        }
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
        var hop = ChainBuilder.AddHop(role, _hop.Chain.IsRoleSession, _hop.Key, parent.ToAwsCredentials(), parent, _hop.Chain, CacheItemPriority.Normal);
        return new ChainedCredentialProvider(_cache, hop, ownsCache: false, isUserHandle: true);
    }

    public CredentialProviderStatus GetStatus() => _session.GetStatus();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_isUserHandle)
        {
            Deactivate();
        }

        if (_ownsCache)
        {
            _cache.Dispose();
        }
    }

    /// <summary>Counts one reason to keep this hop's session refreshing: the user's handle, or an active child hop.</summary>
    internal void Activate()
    {
        lock (_gate)
        {
            if (++_activations == 1)
            {
                _session.AddHandle();
            }
        }
    }

    /// <summary>Releases a reason counted by <see cref="Activate"/>.</summary>
    internal void Deactivate()
    {
        lock (_gate)
        {
            if (--_activations == 0)
            {
                _session.ReleaseHandle();
            }
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
        lock (_gate)
        {
            var previous = _session;
            if (!ReferenceEquals(previous, session))
            {
                _session = session;
                if (_activations > 0)
                {
                    // The evicted session no longer needs to refresh for us; the new one does.
                    session.AddHandle();
                    previous.ReleaseHandle();
                }
            }
        }

        return session;
    }
}
