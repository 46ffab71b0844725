using System.Collections.Concurrent;

namespace CredentialKit.Tests.Helpers;

/// <summary>
/// An in-memory <see cref="ISharedSessionStore"/> on the manual clock, for the coordinator's unit tests (the Redis store's
/// own protocol is tested against a real redis-server). Faults are scripted per operation.
/// </summary>
internal sealed class FakeSharedSessionStore(TimeProvider time) : ISharedSessionStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, SessionCredentials> _entries = new();
    private readonly Dictionary<string, (string Token, DateTimeOffset Until)> _leases = new();
    private readonly List<Action<SharedSessionChange>> _subscribers = [];
    private readonly ConcurrentQueue<string> _calls = new();

    /// <summary>Operations (read, lease, write, remove, subscribe, release) that throw.</summary>
    public HashSet<string> Failing { get; } = [];

    /// <summary>Operations whose task never completes (a store that does not time-box itself).</summary>
    public HashSet<string> Hanging { get; } = [];

    public IReadOnlyList<string> Calls => [.. _calls];

    public int Count(string operation) => _calls.Count(c => c == operation);

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public SessionCredentials? Entry(string hopKey)
    {
        lock (_gate)
        {
            return _entries.GetValueOrDefault(hopKey);
        }
    }

    /// <summary>Stores an entry as another process would, without notifying.</summary>
    public void Put(string hopKey, SessionCredentials credentials)
    {
        lock (_gate)
        {
            _entries[hopKey] = credentials;
        }
    }

    /// <summary>Takes the lease as another process would.</summary>
    public void HoldLease(string hopKey, TimeSpan duration)
    {
        lock (_gate)
        {
            _leases[hopKey] = ("other", time.GetUtcNow() + duration);
        }
    }

    public bool IsLeased(string hopKey)
    {
        lock (_gate)
        {
            return _leases.TryGetValue(hopKey, out var lease) && lease.Until > time.GetUtcNow();
        }
    }

    /// <summary>Publishes a change as another process would.</summary>
    public void Publish(SharedSessionChange change)
    {
        Action<SharedSessionChange>[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber(change);
        }
    }

    /// <summary>The remaining lifetime each write was given (a Redis TTL), by hop; counted down on the store's clock.</summary>
    private readonly Dictionary<string, DateTimeOffset> _ttlEnds = new(StringComparer.Ordinal);

    /// <summary>Gets or sets whether the store keeps writers' remaining lifetimes and counts them down (as Redis TTLs do).</summary>
    public bool CountsDownLifetime { get; set; }

    /// <summary>Gets the remaining lifetime the last write of <paramref name="hopKey"/> was given, if it kept one.</summary>
    public TimeSpan? WrittenLifetime(string hopKey)
    {
        lock (_gate)
        {
            return _ttlEnds.TryGetValue(hopKey, out var end) ? end - time.GetUtcNow() : null;
        }
    }

    /// <summary>Stores an entry with a remaining lifetime counted down from now, as another process would.</summary>
    public void Put(string hopKey, SessionCredentials credentials, TimeSpan remainingLifetime)
    {
        lock (_gate)
        {
            _entries[hopKey] = credentials;
            _ttlEnds[hopKey] = time.GetUtcNow() + remainingLifetime;
        }
    }

    public ValueTask<SharedSessionEntry?> ReadEntryAsync(string hopKey, CancellationToken cancellationToken = default) =>
        Run("read", () =>
        {
            lock (_gate)
            {
                if (!_entries.TryGetValue(hopKey, out var entry))
                {
                    return null;
                }

                TimeSpan? left = CountsDownLifetime && _ttlEnds.TryGetValue(hopKey, out var end) ? end - time.GetUtcNow() : null;
                return left <= TimeSpan.Zero || (left is null && entry.Expiration <= time.GetUtcNow()) ? null : new SharedSessionEntry(entry, left);
            }
        });

    public async ValueTask WriteAsync(string hopKey, SessionCredentials credentials, TimeSpan remainingLifetime, CancellationToken cancellationToken = default)
    {
        await WriteAsync(hopKey, credentials, cancellationToken);
        lock (_gate)
        {
            _ttlEnds[hopKey] = time.GetUtcNow() + remainingLifetime;
        }
    }

    public ValueTask<SessionCredentials?> ReadAsync(string hopKey, CancellationToken cancellationToken = default) =>
        Run("read", () =>
        {
            lock (_gate)
            {
                return _entries.TryGetValue(hopKey, out var entry) && entry.Expiration > time.GetUtcNow() ? entry : null;
            }
        });

    public ValueTask<ISharedSessionLease?> TryAcquireLeaseAsync(string hopKey, TimeSpan duration, CancellationToken cancellationToken = default) =>
        Run("lease", () =>
        {
            lock (_gate)
            {
                if (_leases.TryGetValue(hopKey, out var lease) && lease.Until > time.GetUtcNow())
                {
                    return (ISharedSessionLease?)null;
                }

                var token = Guid.NewGuid().ToString();
                _leases[hopKey] = (token, time.GetUtcNow() + duration);
                return new Lease(this, hopKey, token);
            }
        });

    public async ValueTask WriteAsync(string hopKey, SessionCredentials credentials, CancellationToken cancellationToken = default)
    {
        await Run("write", () =>
        {
            lock (_gate)
            {
                _entries[hopKey] = credentials;
            }

            return true;
        });
        Publish(new SharedSessionChange(hopKey, SharedSessionChangeKind.Written, SharedSessionChange.SessionIdOf(credentials)));
    }

    public async ValueTask<bool> RemoveAsync(string hopKey, SessionCredentials rejected, CancellationToken cancellationToken = default)
    {
        var removed = await Run("remove", () =>
        {
            lock (_gate)
            {
                return _entries.TryGetValue(hopKey, out var entry) && entry.AccessKeyId == rejected.AccessKeyId && _entries.Remove(hopKey);
            }
        });
        Publish(new SharedSessionChange(hopKey, SharedSessionChangeKind.Removed, SharedSessionChange.SessionIdOf(rejected)));
        return removed;
    }

    public ValueTask<IAsyncDisposable> SubscribeAsync(Action<SharedSessionChange> onChange, CancellationToken cancellationToken = default) =>
        Run("subscribe", () =>
        {
            lock (_gate)
            {
                _subscribers.Add(onChange);
            }

            return (IAsyncDisposable)new Subscription(this, onChange);
        });

    public SharedSessionStoreStatus GetStatus() => new(Failing.Count == 0, Failing.Count == 0 ? "Closed" : "Open");

    private ValueTask<T> Run<T>(string operation, Func<T> action)
    {
        _calls.Enqueue(operation);
        if (Hanging.Contains(operation))
        {
            return new ValueTask<T>(new TaskCompletionSource<T>().Task);
        }

        return Failing.Contains(operation)
            ? ValueTask.FromException<T>(new InvalidOperationException($"store {operation} failed"))
            : ValueTask.FromResult(action());
    }

    private sealed class Lease(FakeSharedSessionStore store, string hopKey, string token) : ISharedSessionLease
    {
        public string HopKey => hopKey;

        public ValueTask<bool> ReleaseAsync(CancellationToken cancellationToken = default) =>
            store.Run("release", () =>
            {
                lock (store._gate)
                {
                    return store._leases.TryGetValue(hopKey, out var lease) && lease.Token == token && store._leases.Remove(hopKey);
                }
            });

        public async ValueTask DisposeAsync() => await ReleaseAsync();
    }

    private sealed class Subscription(FakeSharedSessionStore store, Action<SharedSessionChange> onChange) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (store._gate)
            {
                store._subscribers.Remove(onChange);
            }

            return ValueTask.CompletedTask;
        }
    }
}
