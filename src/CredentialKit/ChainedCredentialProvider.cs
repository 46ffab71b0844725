using Microsoft.Extensions.Caching.Memory;

namespace CredentialKit;

/// <summary>
/// A handle on one hop's session in a <see cref="SessionCache"/>: the <see cref="ICredentialProvider"/> users hold.
/// Cheap to create. A user's handle holds its session (so the cache never evicts it) until disposed; a chain's inner
/// handles hold theirs only while a child hop is active, and re-resolve their session if the cache retired it meanwhile.
/// </summary>
internal sealed class ChainedCredentialProvider : ICredentialProvider
{
    private readonly SessionCache _cache;
    private readonly HopDefinition _hop;
    private readonly bool _ownsCache;
    private readonly bool _isUserHandle;
    private readonly object _gate = new();
    private volatile RefreshingSession? _session;
    private volatile bool _disposed;
    private int _activations;

    /// <summary>Creates a handle on <paramref name="hop"/>'s session.</summary>
    /// <param name="cache">The cache holding the session.</param>
    /// <param name="hop">The hop.</param>
    /// <param name="ownsCache">Whether disposing this handle disposes the cache.</param>
    /// <param name="isUserHandle">
    /// Whether this handle is given to a user (and so holds its session, refreshing in the background, until disposed).
    /// The chain's internal parent handles are not: they are active only while a child hop is, and resolve their session
    /// lazily.
    /// </param>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    public ChainedCredentialProvider(SessionCache cache, HopDefinition hop, bool ownsCache, bool isUserHandle = false)
    {
        _cache = cache;
        _hop = hop;
        _ownsCache = ownsCache;
        _isUserHandle = isUserHandle;
        if (isUserHandle)
        {
            Activate();
        }
    }

    public string? ProfileName => _hop.Chain.ProfileName;

    /// <summary>The session currently behind this handle (tests await its background refreshes).</summary>
    internal RefreshingSession Session => _session ?? Resolve();

    internal HopDefinition Hop => _hop;

    public ValueTask<SessionCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        if (_disposed)
        {
            return ValueTask.FromException<SessionCredentials>(new ObjectDisposedException(nameof(ICredentialProvider)));
        }

        var session = _session;
        if (session is null || session.IsEvicted)
        {
            if (_cache.IsDisposed)
            {
                return ValueTask.FromException<SessionCredentials>(new ObjectDisposedException(nameof(ICredentialProvider)));
            }

            session = Resolve();
        }

        var pending = session.GetCredentialsAsync(cancellationToken);
        return pending.IsCompletedSuccessfully ? pending : AwaitAsync(session, pending, cancellationToken);
    }

    public void Invalidate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _session?.Invalidate();
    }

    public void Invalidate(SessionCredentials rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _session?.Invalidate(rejected);
        _cache.ReportRejected(_hop, rejected);
    }

    public ICredentialProvider ForRole(AssumeRoleOptions role)
    {
        ArgumentNullException.ThrowIfNull(role);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CredentialKitProfileOptionsValidator.ThrowIfInvalid(role, _hop.Chain, _hop.RoleArn);

        // The child signs through the cache's chain-internal handle on this hop (shared by every child of it, with one STS
        // client), so disposing this provider does not break it.
        var hop = ChainBuilder.AddHop(role, _hop.Chain.IsRoleSession, HopSigner.Of(_hop), _hop.Chain, CacheItemPriority.Normal);
        return new ChainedCredentialProvider(_cache, hop, ownsCache: false, isUserHandle: true);
    }

    public CredentialProviderStatus GetStatus()
    {
        // A user's handle has its session from the start; only a chain's inner handle resolves one here.
        var session = _session ?? Resolve();
        var status = session.GetStatus() with { UnavailableEndpoints = _cache.Context.EndpointHealth.UnavailableAmong(_hop.Chain.Sts) };
        return _disposed || _cache.IsDisposed
            ? status with { State = CredentialProviderState.Disposed, Expiration = null, RemainingLifetime = null, MaskedAccessKeyId = null }
            : status;
    }

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

    /// <summary>Counts one reason to hold this hop's session: the user's handle, or an active child hop.</summary>
    internal void Activate()
    {
        lock (_gate)
        {
            if (++_activations == 1)
            {
                _session = _cache.Acquire(_hop, _session);
            }
        }
    }

    /// <summary>Releases a reason counted by <see cref="Activate"/>.</summary>
    internal void Deactivate()
    {
        lock (_gate)
        {
            if (--_activations == 0 && _session is { } session)
            {
                _cache.Release(session);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"CredentialProvider({_hop.RoleArn}{RefreshingSession.ProfileSuffix(ProfileName)})";

    /// <summary>Finds the live session for this hop after the cache retired the one this handle had (or it had none yet).</summary>
    private RefreshingSession Resolve()
    {
        lock (_gate)
        {
            var previous = _session;
            if (previous is { IsEvicted: false })
            {
                return previous;
            }

            if (_activations > 0)
            {
                // Held sessions are not evicted, so this is rare; hold the replacement instead.
                var session = _cache.Acquire(_hop);
                if (previous is not null)
                {
                    _cache.Release(previous);
                }

                _session = session;
                return session;
            }

            return _session = _cache.Peek(_hop);
        }
    }

    /// <summary>
    /// Waits for a session's refresh. An inactive inner handle's session can be retired by the idle pool between the
    /// look-up and the call; the call then resolves the replacement once, unless this handle or the cache was disposed.
    /// </summary>
    private async ValueTask<SessionCredentials> AwaitAsync(RefreshingSession session, ValueTask<SessionCredentials> pending, CancellationToken cancellationToken)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (!_disposed && !_cache.IsDisposed && session.IsEvicted)
        {
            return await Resolve().GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
