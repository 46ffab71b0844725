using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CredentialKit;

/// <summary>
/// The provider the container hands out for a profile: a stable instance over an inner provider that is swapped
/// atomically when the profile's options are reloaded.
/// </summary>
/// <remarks>
/// <para>
/// A reload builds the new inner provider over the shared <see cref="SessionCache"/> (no STS call), publishes it with one
/// volatile write, then disposes the old one at once. That is safe because an inner provider is only a handle: its
/// sessions live in the cache, so a caller already awaiting the old provider's refresh completes with that session. The
/// only window (a caller that read the old provider but had not yet called it) is closed by retrying on the new one when
/// the old one reports <see cref="ObjectDisposedException"/>.
/// </para>
/// <para>
/// A reload that leaves the chain identical (same cache key for the last hop, as when an unrelated key changed) keeps the
/// current provider. A reload whose settings cannot build a provider is logged and ignored: the profile keeps serving.
/// </para>
/// </remarks>
internal sealed class ReloadingCredentialProvider : ICredentialProvider
{
    private readonly SessionCache _cache;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private volatile ICredentialProvider _current;
    private volatile bool _disposed;

    public ReloadingCredentialProvider(string profileName, CredentialKitProfileOptions options, SessionCache cache, ILogger logger)
    {
        ProfileName = profileName;
        _cache = cache;
        _logger = logger;
        _current = CredentialProvider.Create(options, cache, profileName);
    }

    public string ProfileName { get; }

    string? ICredentialProvider.ProfileName => ProfileName;

    /// <summary>Gets the inner provider currently serving (tests compare it across reloads).</summary>
    internal ICredentialProvider Current => _current;

    public ValueTask<SessionCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        if (_disposed)
        {
            return ValueTask.FromException<SessionCredentials>(new ObjectDisposedException(nameof(ICredentialProvider)));
        }

        var current = _current;
        var pending = current.GetCredentialsAsync(cancellationToken);
        return pending.IsCompletedSuccessfully ? pending : AwaitAsync(current, pending, cancellationToken);
    }

    public void Invalidate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            var current = _current;
            try
            {
                current.Invalidate();
                return;
            }
            catch (ObjectDisposedException) when (!_disposed && !ReferenceEquals(current, _current))
            {
                // Retired by a reload in between: invalidate the replacement instead.
            }
        }
    }

    public void Invalidate(SessionCredentials rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        ObjectDisposedException.ThrowIf(_disposed, this);

        // A reload may retire the inner provider; the chains share their cached sessions, so the replacement is told too.
        var current = _current;
        try
        {
            current.Invalidate(rejected);
        }
        catch (ObjectDisposedException) when (!_disposed && !ReferenceEquals(current, _current))
        {
            _current.Invalidate(rejected);
        }
    }

    public ICredentialProvider ForRole(AssumeRoleOptions role)
    {
        ArgumentNullException.ThrowIfNull(role);
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            var current = _current;
            try
            {
                return current.ForRole(role);
            }
            catch (ObjectDisposedException) when (!_disposed && !ReferenceEquals(current, _current))
            {
                // Retired by a reload in between: build the dynamic role on the replacement.
            }
        }
    }

    public CredentialProviderStatus GetStatus() => _current.GetStatus();

    /// <summary>Switches to a provider built from <paramref name="options"/>, unless they describe the same chain.</summary>
    /// <param name="options">The reloaded, already validated options.</param>
    public void Reload(CredentialKitProfileOptions options)
    {
        ICredentialProvider replacement;
        try
        {
            replacement = CredentialProvider.Create(options, _cache, ProfileName);
        }
        catch (Exception e) when (e is OptionsValidationException or ArgumentException or ObjectDisposedException)
        {
            HostingLog.ReloadFailed(_logger, ProfileName, e);
            return;
        }

        ICredentialProvider retired;
        bool swapped;
        lock (_gate)
        {
            swapped = !_disposed && !SameChain(_current, replacement);
            retired = swapped ? _current : replacement;
            if (swapped)
            {
                _current = replacement;
            }
        }

        retired.Dispose();
        if (swapped)
        {
            HostingLog.Reloaded(_logger, ProfileName, replacement.GetStatus().RoleArn);
        }
        else if (!_disposed)
        {
            HostingLog.ReloadUnchanged(_logger, ProfileName);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _current.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public override string ToString() => _current.ToString() ?? nameof(ReloadingCredentialProvider);

    private static bool SameChain(ICredentialProvider current, ICredentialProvider replacement) =>
        current is ChainedCredentialProvider a && replacement is ChainedCredentialProvider b && a.Hop.Key == b.Hop.Key;

    private async ValueTask<SessionCredentials> AwaitAsync(ICredentialProvider used, ValueTask<SessionCredentials> pending, CancellationToken cancellationToken)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (!_disposed && !ReferenceEquals(used, _current))
        {
            // A reload retired that provider between this caller reading it and calling it: the replacement serves.
            return await GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
