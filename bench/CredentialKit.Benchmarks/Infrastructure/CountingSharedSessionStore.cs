using System.Collections.Concurrent;

namespace CredentialKit.Benchmarks.Infrastructure;

/// <summary>
/// An in-memory <see cref="ISharedSessionStore"/> that counts every call, for the hot-path case "with a store configured":
/// the cached read must make none (the count while measuring is printed and expected to be 0).
/// </summary>
internal sealed class CountingSharedSessionStore : ISharedSessionStore
{
    private readonly ConcurrentDictionary<string, SessionCredentials> _entries = new(StringComparer.Ordinal);
    private long _calls;

    public long Calls => Interlocked.Read(ref _calls);

    public ValueTask<SessionCredentials?> ReadAsync(string hopKey, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return new(_entries.TryGetValue(hopKey, out var entry) ? entry : null);
    }

    public ValueTask<ISharedSessionLease?> TryAcquireLeaseAsync(string hopKey, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return new(new Lease(hopKey));
    }

    public ValueTask WriteAsync(string hopKey, SessionCredentials credentials, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        _entries[hopKey] = credentials;
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> RemoveAsync(string hopKey, SessionCredentials rejected, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return new(_entries.TryRemove(new KeyValuePair<string, SessionCredentials>(hopKey, rejected)));
    }

    public ValueTask<IAsyncDisposable> SubscribeAsync(Action<SharedSessionChange> onChange, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return new(new Lease("*"));
    }

    public SharedSessionStoreStatus GetStatus() => new(isAvailable: true, state: "Closed");

    private sealed class Lease(string hopKey) : ISharedSessionLease
    {
        public string HopKey { get; } = hopKey;

        public ValueTask<bool> ReleaseAsync(CancellationToken cancellationToken = default) => new(true);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
