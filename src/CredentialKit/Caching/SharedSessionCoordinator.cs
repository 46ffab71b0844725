using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// Runs one hop's refresh through an <see cref="ISharedSessionStore"/> so a fleet makes one STS call per hop per refresh:
/// read the shared entry and adopt it; else take the lease, call STS, share the session and notify; else wait (bounded) for
/// the holder's notification, read again, and call STS when nothing usable arrived. One per session cache; the refresh
/// engine calls it in place of the fetcher when a hop is shared.
/// </summary>
/// <remarks>
/// Never worse than standalone: every store call is bounded (the store's own time-box, and
/// <see cref="SharedSessionDefaults.StoreCallTimeout"/> as a backstop), and any store failure leads to the same STS call a
/// process without a store makes. Only STS's own failure (from <c>fetchFromSts</c>) reaches the caller.
/// </remarks>
internal sealed class SharedSessionCoordinator : IAsyncDisposable
{
    private readonly ISharedSessionStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SharedSessionTelemetry? _telemetry;
    private readonly TimeSpan _leaseDuration;
    private readonly TimeSpan _notificationTimeout;
    private readonly TimeSpan _storeCallTimeout;
    private readonly object _gate = new();
    private readonly Dictionary<string, List<TaskCompletionSource>> _waiters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _rejected = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private volatile IAsyncDisposable? _subscription;
    private volatile bool _disposed;

    public SharedSessionCoordinator(
        ISharedSessionStore store,
        TimeProvider timeProvider,
        ILogger logger,
        SharedSessionTelemetry? telemetry = null,
        TimeSpan? leaseDuration = null,
        TimeSpan? notificationTimeout = null,
        TimeSpan? storeCallTimeout = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _telemetry = telemetry;
        _leaseDuration = leaseDuration ?? SharedSessionDefaults.LeaseDuration;
        _notificationTimeout = notificationTimeout ?? SharedSessionDefaults.NotificationTimeout;
        _storeCallTimeout = storeCallTimeout ?? SharedSessionDefaults.StoreCallTimeout;
    }

    /// <summary>
    /// Raised when another process reports a session rejected: the cache drops it from the hop whose
    /// <see cref="SharedSessionChange.HopKey"/> matches, if <see cref="SharedSessionChange.Concerns"/> its held session.
    /// </summary>
    public event Action<SharedSessionChange>? SessionRejected;

    /// <summary>Produces a new session for the hop <paramref name="hopKey"/>, from the store when it can, else from STS.</summary>
    /// <param name="hopKey">The hop's fleet-wide fingerprint (<see cref="FleetHopIdentity"/>).</param>
    /// <param name="held">The session this process holds now, if any: only a newer shared session is adopted.</param>
    /// <param name="requiredLifetime">How long an adopted session must still live (this process's refresh moment needs).</param>
    /// <param name="fetchFromSts">The hop's own STS call, through the existing pipeline.</param>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <param name="heldUsableUntil">Until when <paramref name="held"/> stays above its minimum lifetime: bounds the wait for a lease holder.</param>
    /// <returns>The session and where it came from.</returns>
    /// <exception cref="CredentialRefreshException">STS could not issue a session (from <paramref name="fetchFromSts"/>).</exception>
    public async Task<SharedRefreshResult> RefreshAsync(
        string hopKey,
        SessionCredentials? held,
        TimeSpan requiredLifetime,
        Func<CancellationToken, Task<SessionCredentials>> fetchFromSts,
        CancellationToken cancellationToken,
        Deadline? heldUsableUntil = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(hopKey);
        ArgumentNullException.ThrowIfNull(fetchFromSts);
        ObjectDisposedException.ThrowIf(_disposed, this);

        // 1. A fresh shared entry: adopt it without calling STS.
        var (readOk, shared) = await ReadSharedAsync(hopKey, cancellationToken).ConfigureAwait(false);
        if (!readOk)
        {
            return await StandaloneAsync(fetchFromSts, SharedRefreshOutcome.StoreUnavailable, cancellationToken).ConfigureAwait(false);
        }

        if (IsUsable(hopKey, shared, held, requiredLifetime))
        {
            return Adopt(hopKey, shared!.Value, SharedRefreshOutcome.Adopted);
        }

        // 2. The lease: one process per hop calls STS.
        var (leaseOk, lease) = await CallStoreAsync("lease", hopKey, ct => _store.TryAcquireLeaseAsync(hopKey, _leaseDuration, ct), cancellationToken).ConfigureAwait(false);
        if (!leaseOk)
        {
            return await StandaloneAsync(fetchFromSts, SharedRefreshOutcome.StoreUnavailable, cancellationToken).ConfigureAwait(false);
        }

        if (lease is not null)
        {
            return await FetchAsLeaseHolderAsync(hopKey, lease, held, requiredLifetime, fetchFromSts, cancellationToken).ConfigureAwait(false);
        }

        // 4. Another process is calling STS: wait for its notification, bounded.
        return await WaitForLeaseHolderAsync(hopKey, held, heldUsableUntil, requiredLifetime, fetchFromSts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reports <paramref name="rejected"/> as rejected for the hop: never adopted again here, removed from the store only
    /// while the store still holds it, and the other processes told to drop it.
    /// </summary>
    /// <param name="hopKey">The hop's fleet-wide fingerprint.</param>
    /// <param name="rejected">The session a service rejected.</param>
    /// <param name="cancellationToken">Cancels the removal (the local rejection stands).</param>
    /// <returns><see langword="true"/> when the store held the rejected session and removed it.</returns>
    public async Task<bool> InvalidateAsync(string hopKey, SessionCredentials rejected, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(hopKey);
        ArgumentNullException.ThrowIfNull(rejected);
        Remember(SharedSessionChange.SessionIdOf(rejected), rejected.Expiration);
        var (ok, removed) = await CallStoreAsync("remove", hopKey, ct => _store.RemoveAsync(hopKey, rejected, ct), cancellationToken).ConfigureAwait(false);
        return ok && removed;
    }

    /// <summary>
    /// Subscribes to the other processes' notices (once; a no-op when subscribed), so that a session rejected elsewhere is
    /// dropped here even by a process that has not yet had to wait on a lease. A store failure only leaves it unsubscribed.
    /// </summary>
    /// <returns>A task that completes when subscribed, or when subscribing failed.</returns>
    public Task EnsureSubscribedAsync()
    {
        if (_subscription is not null || _disposed)
        {
            return Task.CompletedTask;
        }

        return SubscribeQuietlyAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        var subscription = _subscription;
        _subscription = null;
        if (subscription is not null)
        {
            try
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                SharedSessionLog.StoreCallFailed(_logger, "unsubscribe", "*", ex.GetType().Name);
            }
        }

        lock (_gate)
        {
            foreach (var waiter in _waiters.Values.SelectMany(w => w))
            {
                waiter.TrySetResult();
            }

            _waiters.Clear();
        }
    }

    private async Task<SharedRefreshResult> FetchAsLeaseHolderAsync(
        string hopKey,
        ISharedSessionLease lease,
        SessionCredentials? held,
        TimeSpan requiredLifetime,
        Func<CancellationToken, Task<SessionCredentials>> fetchFromSts,
        CancellationToken cancellationToken)
    {
        try
        {
            // The previous holder may have shared its session between our read and our lease: no second STS call then.
            var (readOk, shared) = await ReadSharedAsync(hopKey, cancellationToken).ConfigureAwait(false);
            if (readOk && IsUsable(hopKey, shared, held, requiredLifetime))
            {
                return Adopt(hopKey, shared!.Value, SharedRefreshOutcome.Adopted);
            }

            // 3. Call STS through the hop's own pipeline; its failure is the caller's, exactly as without a store.
            var fresh = await fetchFromSts(cancellationToken).ConfigureAwait(false);

            // Shared with what it has left on STS's clock (measured from this call's Date), so an adopter whose clock
            // disagrees with STS's (or with this process's) plans it on STS's clock too.
            var now = ClockReading.Now(_time);
            var remaining = SessionTiming.Measure(fresh, StsClockObservation.CurrentLast, now).ExpiresAt.RemainingAt(now);
            var (written, _) = await CallStoreAsync("write", hopKey, async ct =>
            {
                await _store.WriteAsync(hopKey, fresh, remaining, ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return Count(new SharedRefreshResult(fresh, written ? SharedRefreshOutcome.FetchedAndShared : SharedRefreshOutcome.FetchedNotShared));
        }
        finally
        {
            // Not the caller's token: a cancelled refresh still frees the lease rather than making the fleet wait its TTL.
            await CallStoreAsync("release", hopKey, ct => lease.ReleaseAsync(ct), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<SharedRefreshResult> WaitForLeaseHolderAsync(
        string hopKey,
        SessionCredentials? held,
        Deadline? heldUsableUntil,
        TimeSpan requiredLifetime,
        Func<CancellationToken, Task<SessionCredentials>> fetchFromSts,
        CancellationToken cancellationToken)
    {
        if (!await EnsureSubscribedAsync(hopKey, cancellationToken).ConfigureAwait(false))
        {
            return await StandaloneAsync(fetchFromSts, SharedRefreshOutcome.StoreUnavailable, cancellationToken).ConfigureAwait(false);
        }

        var waiter = Register(hopKey);
        try
        {
            // Registered before this read: a notification sent after it is seen, one sent before it left the entry to read.
            var (readOk, shared) = await ReadSharedAsync(hopKey, cancellationToken).ConfigureAwait(false);
            if (readOk && IsUsable(hopKey, shared, held, requiredLifetime))
            {
                return Adopt(hopKey, shared!.Value, SharedRefreshOutcome.AdoptedAfterWait);
            }

            // Bounded by the time the held session has left, not only by the timeout: see LeaseWaitBudget.
            var wait = LeaseWaitBudget.For(_notificationTimeout, heldUsableUntil, ClockReading.Now(_time));
            SharedSessionLog.WaitingForLeaseHolder(_logger, hopKey, wait);
            try
            {
                await waiter.Task.WaitAsync(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Bounded: a holder that died or failed costs at most this wait; the entry is read once more below.
            }

            (readOk, shared) = await ReadSharedAsync(hopKey, cancellationToken).ConfigureAwait(false);
            if (readOk && IsUsable(hopKey, shared, held, requiredLifetime))
            {
                return Adopt(hopKey, shared!.Value, SharedRefreshOutcome.AdoptedAfterWait);
            }

            // The holder died (its lease expired) or failed: take over for the fleet if the lease is free now.
            if (readOk)
            {
                var (leaseOk, lease) = await CallStoreAsync("lease", hopKey, ct => _store.TryAcquireLeaseAsync(hopKey, _leaseDuration, ct), cancellationToken).ConfigureAwait(false);
                if (leaseOk && lease is not null)
                {
                    return await FetchAsLeaseHolderAsync(hopKey, lease, held, requiredLifetime, fetchFromSts, cancellationToken).ConfigureAwait(false);
                }
            }

            SharedSessionLog.NothingArrived(_logger, hopKey, wait);
            return await StandaloneAsync(fetchFromSts, SharedRefreshOutcome.FetchedAfterWait, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Unregister(hopKey, waiter);
        }
    }

    private async Task<SharedRefreshResult> StandaloneAsync(
        Func<CancellationToken, Task<SessionCredentials>> fetchFromSts, SharedRefreshOutcome outcome, CancellationToken cancellationToken)
    {
        var fresh = await fetchFromSts(cancellationToken).ConfigureAwait(false);
        return Count(new SharedRefreshResult(fresh, outcome));
    }

    /// <summary>Reads the hop's shared entry, noting on the local clocks when the read began.</summary>
    private async Task<(bool Ok, SharedRead? Value)> ReadSharedAsync(string hopKey, CancellationToken cancellationToken)
    {
        var startedAt = ClockReading.Now(_time);
        var (ok, entry) = await CallStoreAsync("read", hopKey, ct => _store.ReadEntryAsync(hopKey, ct), cancellationToken).ConfigureAwait(false);
        return (ok, entry is null ? null : new SharedRead(entry, startedAt));
    }

    private SharedRefreshResult Adopt(string hopKey, SharedRead read, SharedRefreshOutcome outcome)
    {
        var shared = read.Entry.Credentials;
        if (read.Entry.RemainingLifetime is { } remaining)
        {
            // The refresh plans the adopted session as if STS had answered at the read: the store's remaining lifetime,
            // counted from the moment the read began (never later than the truth), whatever this process's clock says.
            StsClockObservation.Record(new StsClockReading(read.StartedAt, ClockReading.Now(_time), shared.Expiration - remaining, TimeSpan.Zero));
        }

        SharedSessionLog.Adopted(_logger, hopKey, SecretRedaction.MaskAccessKeyId(shared.AccessKeyId), shared.Expiration, outcome);
        return Count(new SharedRefreshResult(shared, outcome));
    }

    private SharedRefreshResult Count(SharedRefreshResult result)
    {
        _telemetry?.Refreshes.Add(1, new KeyValuePair<string, object?>("outcome", SharedSessionTelemetry.TagOf(result.Outcome)));
        return result;
    }

    /// <summary>
    /// A shared session is adopted only when it is not a rejected one, is newer than the session held, and lives longer
    /// than this process's refresh moment needs (so the process never adopts a session it would refresh at once).
    /// </summary>
    private bool IsUsable(string hopKey, SharedRead? read, SessionCredentials? held, TimeSpan requiredLifetime)
    {
        if (read is not { } found)
        {
            return false;
        }

        // What the store counted down since the writer measured it on STS's clock; only without that, the expiration
        // read on this process's clock (a store that cannot tell, or an entry from an older writer).
        var shared = found.Entry.Credentials;
        var now = ClockReading.Now(_time);
        var left = found.Entry.RemainingLifetime is { } remaining
            ? remaining - now.ElapsedSince(found.StartedAt)
            : shared.RemainingLifetime(now.Wall);

        // "Newer" is "not older and another session": STS writes expirations in whole seconds, so the replacement of a
        // session rejected within a second of its issue carries the same expiration, and must still be adopted.
        var usable = left > requiredLifetime
            && (held is null || (shared.Expiration >= held.Expiration && !string.Equals(shared.AccessKeyId, held.AccessKeyId, StringComparison.Ordinal)))
            && !IsRejected(SharedSessionChange.SessionIdOf(shared));
        if (!usable)
        {
            SharedSessionLog.NotAdopted(_logger, hopKey, requiredLifetime);
        }

        return usable;
    }

    /// <summary>Runs one store call with the backstop timeout; a failure of any kind is logged, metered and reported as <c>ok: false</c>.</summary>
    private async Task<(bool Ok, T? Value)> CallStoreAsync<T>(
        string operation, string hopKey, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            var value = await call(cancellationToken).AsTask().WaitAsync(_storeCallTimeout, _time, cancellationToken).ConfigureAwait(false);
            return (true, value);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The type only: a store's message may quote what it was given.
            var errorType = ex.GetType().Name;
            SharedSessionLog.StoreCallFailed(_logger, operation, hopKey, errorType);
            _telemetry?.Failures.Add(1,
                new KeyValuePair<string, object?>("operation", operation),
                new KeyValuePair<string, object?>("error.type", errorType));
            return (false, default);
        }
    }

    private async Task SubscribeQuietlyAsync()
    {
        try
        {
            await EnsureSubscribedAsync("*", CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: nothing to subscribe for.
        }
    }

    private async Task<bool> EnsureSubscribedAsync(string hopKey, CancellationToken cancellationToken)
    {
        if (_subscription is not null)
        {
            return true;
        }

        await _subscribing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_subscription is not null)
            {
                return true;
            }

            var (ok, subscription) = await CallStoreAsync("subscribe", hopKey, ct => _store.SubscribeAsync(OnChange, ct), cancellationToken).ConfigureAwait(false);
            if (ok && subscription is not null)
            {
                if (_disposed)
                {
                    await subscription.DisposeAsync().ConfigureAwait(false);
                    return false;
                }

                _subscription = subscription;
                return true;
            }

            return false;
        }
        finally
        {
            _subscribing.Release();
        }
    }

    private void OnChange(SharedSessionChange change)
    {
        if (change.Kind == SharedSessionChangeKind.Removed)
        {
            // Expiration unknown here: remember it for the longest session STS issues (36 h), pruned by count.
            Remember(change.SessionId, _time.GetUtcNow().AddHours(36));
            SharedSessionLog.RejectedElsewhere(_logger, change.HopKey, change.SessionId);
            try
            {
                SessionRejected?.Invoke(change);
            }
            catch (Exception ex)
            {
                SharedSessionLog.StoreCallFailed(_logger, "notify", change.HopKey, ex.GetType().Name);
            }

            return;
        }

        List<TaskCompletionSource>? waiting;
        lock (_gate)
        {
            _waiters.Remove(change.HopKey, out waiting);
        }

        foreach (var waiter in waiting ?? [])
        {
            waiter.TrySetResult();
        }
    }

    private TaskCompletionSource Register(string hopKey)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (!_waiters.TryGetValue(hopKey, out var list))
            {
                _waiters[hopKey] = list = [];
            }

            list.Add(waiter);
        }

        return waiter;
    }

    private void Unregister(string hopKey, TaskCompletionSource waiter)
    {
        lock (_gate)
        {
            if (_waiters.TryGetValue(hopKey, out var list) && list.Remove(waiter) && list.Count == 0)
            {
                _waiters.Remove(hopKey);
            }
        }
    }

    private void Remember(string sessionId, DateTimeOffset until)
    {
        lock (_gate)
        {
            _rejected[sessionId] = until;
            if (_rejected.Count > SharedSessionDefaults.RejectedSessionsRemembered)
            {
                var now = _time.GetUtcNow();
                foreach (var expired in _rejected.Where(r => r.Value <= now).Select(r => r.Key).ToList())
                {
                    _rejected.Remove(expired);
                }

                foreach (var oldest in _rejected.OrderBy(r => r.Value).Take(_rejected.Count - SharedSessionDefaults.RejectedSessionsRemembered).Select(r => r.Key).ToList())
                {
                    _rejected.Remove(oldest);
                }
            }
        }
    }

    private bool IsRejected(string sessionId)
    {
        lock (_gate)
        {
            return _rejected.ContainsKey(sessionId);
        }
    }

    /// <summary>A shared entry and when (on the local clocks) the read that returned it began.</summary>
    private readonly record struct SharedRead(SharedSessionEntry Entry, ClockReading StartedAt);
}
