using Microsoft.Extensions.Primitives;

namespace CredentialKit;

/// <summary>
/// Expires a session's cache entry once nobody holds the session any more and its credentials have expired. Polled by
/// the memory cache on access and on its expiration scans, so it needs no timer of its own.
/// </summary>
internal sealed class SessionExpiryToken(HopEntry entry) : IChangeToken
{
    public bool HasChanged => entry.CanLeaveCache;

    public bool ActiveChangeCallbacks => false;

    public IDisposable RegisterChangeCallback(Action<object?> callback, object? state) => EmptyDisposable.Instance;

    private sealed class EmptyDisposable : IDisposable
    {
        public static readonly EmptyDisposable Instance = new();

        public void Dispose()
        {
        }
    }
}
