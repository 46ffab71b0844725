namespace CredentialKit;

/// <summary>
/// The process-wide pace of STS calls for one <see cref="SessionCache"/>: a token bucket (generic cell rate algorithm) on
/// the injected <see cref="TimeProvider"/> with two queues, so refreshes of held sessions close to their minimum lifetime go
/// ahead of first fetches, and first fetches ahead of early refreshes.
/// </summary>
/// <remarks>
/// <para>
/// Not <c>System.Threading.RateLimiting.TokenBucketRateLimiter</c>: it replenishes on its own wall-clock timer (so tests
/// could not count permits on a fake clock) and serves one FIFO or LIFO queue (so a warm-up queue would make a held
/// session wait behind 100,000 first fetches). Permits are spaced evenly, one every 1/rate seconds, after a burst of at
/// most <c>burst</c>; so any one-second window sees at most <c>rate + burst</c> calls, and a long run averages the rate.
/// </para>
/// <para>
/// Each STS attempt takes one permit before its attempt timeout starts; the wait is cancelled by the refresh's own token
/// (the session's lifetime), and each caller's wait for the refresh by that caller's token.
/// </para>
/// </remarks>
internal sealed class StsRateLimiter : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly long _interval;
    private readonly long _tolerance;
    private readonly TimeSpan _urgentHorizon;
    private readonly object _gate = new();
    private readonly PriorityQueue<Waiter, DateTimeOffset> _held = new();
    private readonly Queue<Waiter> _first = new();
    private long _theoreticalArrival;
    private long _granted;
    private ITimer? _timer;
    private bool _disposed;

    private readonly FleetStsPacer? _fleet;

    /// <summary>
    /// Creates a limiter of <paramref name="requestsPerSecond"/> calls per second after a burst of <paramref name="burst"/>;
    /// with <paramref name="fleet"/>, a shared hop's call also takes a permit of the fleet's budget after the local one.
    /// </summary>
    public StsRateLimiter(TimeProvider timeProvider, int requestsPerSecond, int burst, TimeSpan urgentHorizon, FleetStsPacer? fleet = null)
    {
        _fleet = fleet;
        ArgumentOutOfRangeException.ThrowIfLessThan(requestsPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _timeProvider = timeProvider;
        _interval = Math.Max(1, timeProvider.TimestampFrequency / requestsPerSecond);
        _tolerance = (burst - 1) * _interval;
        _urgentHorizon = urgentHorizon;
        _theoreticalArrival = timeProvider.GetTimestamp();
        RequestsPerSecond = requestsPerSecond;
        Burst = burst;
    }

    public int RequestsPerSecond { get; }

    public int Burst { get; }

    /// <summary>Gets how many permits were granted so far; for tests and benchmarks.</summary>
    public long Granted => Interlocked.Read(ref _granted);

    /// <summary>Gets how many refreshes of held sessions wait for a permit; for tests.</summary>
    public int QueuedHeld
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Gets how many callers wait for a permit (cancelled ones may still be counted until their turn).</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _held.Count + _first.Count;
            }
        }
    }

    /// <summary>
    /// Waits for one permit. <paramref name="usableUntil"/> is until when the session being refreshed stays usable
    /// (<see langword="null"/> for a first fetch); a refresh within the urgent horizon of it goes first.
    /// <paramref name="fleetScope"/> is the fleet budget's bucket of a shared hop's call (<see langword="null"/>: local pacing only).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    /// <exception cref="ObjectDisposedException">The limiter (its cache) was disposed.</exception>
    public ValueTask AcquireAsync(DateTimeOffset? usableUntil, string? fleetScope, CancellationToken cancellationToken)
    {
        var local = AcquireLocalAsync(usableUntil, cancellationToken);

        // The local queue orders the process's own calls (urgent first) and caps what it asks of the fleet; the fleet's
        // budget then caps the fleet. Only a shared hop's refresh carries a scope.
        return _fleet is { } fleet && fleetScope is { } scope
            ? ThenFleetAsync(local, fleet, scope, usableUntil, cancellationToken)
            : local;
    }

    /// <summary>Gets the fleet's side of the pacing, if the cache has a fleet budget; for tests.</summary>
    internal FleetStsPacer? Fleet => _fleet;

    private static async ValueTask ThenFleetAsync(
        ValueTask local, FleetStsPacer fleet, string scope, DateTimeOffset? usableUntil, CancellationToken cancellationToken)
    {
        await local.ConfigureAwait(false);
        await fleet.AcquireAsync(scope, usableUntil, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask AcquireLocalAsync(DateTimeOffset? usableUntil, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        Waiter waiter;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _timeProvider.GetTimestamp();
            if (_held.Count == 0 && _first.Count == 0 && TryTake(now))
            {
                return default; // the common case: no queue, a permit is there, no allocation
            }

            waiter = new Waiter();
            if (cancellationToken.CanBeCanceled)
            {
                // Registered under the lock, so Drain disposes it once granted: the session's lifetime token keeps no
                // registration per refresh. The callback takes no lock.
                waiter.Registration = cancellationToken.UnsafeRegister(
                    static (state, token) => ((Waiter)state!).TrySetCanceled(token), waiter);
            }

            if (usableUntil is { } deadline)
            {
                _held.Enqueue(waiter, deadline);
            }
            else
            {
                _first.Enqueue(waiter);
            }

            Drain(now);
        }

        return new ValueTask(waiter.Task);
    }

    public void Dispose()
    {
        List<Waiter> abandoned = [];
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            _timer = null;
            while (_held.TryDequeue(out var waiter, out _))
            {
                abandoned.Add(waiter);
            }

            while (_first.TryDequeue(out var waiter))
            {
                abandoned.Add(waiter);
            }
        }

        foreach (var waiter in abandoned)
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(SessionCache)));
        }
    }

    // Called under _gate.
    private bool TryTake(long now)
    {
        if (now < _theoreticalArrival - _tolerance)
        {
            return false;
        }

        _theoreticalArrival = Math.Max(_theoreticalArrival, now) + _interval;
        Interlocked.Increment(ref _granted);
        return true;
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                Drain(_timeProvider.GetTimestamp());
            }
        }
    }

    /// <summary>Grants permits to waiters in priority order while permits are there, then arms the timer (under <c>_gate</c>).</summary>
    private void Drain(long now)
    {
        while (Next(_timeProvider.GetUtcNow()) is { } waiter)
        {
            if (waiter.Task.IsCompleted)
            {
                Dequeue(waiter); // cancelled while queued: costs no permit
                continue;
            }

            if (!TryTake(now))
            {
                break;
            }

            Dequeue(waiter);
            waiter.Registration.Dispose();
            // Continuations run asynchronously: the STS call does not start under this lock or on the timer's thread.
            waiter.TrySetResult();
        }

        ArmTimer(now);
    }

    /// <summary>
    /// Which waiter is served next (under <c>_gate</c>): a held session whose usable life ends within the urgent horizon,
    /// most urgent first; else the oldest first fetch; else the held session that is usable for the shortest time.
    /// </summary>
    private Waiter? Next(DateTimeOffset now)
    {
        if (_held.TryPeek(out var held, out var deadline) && deadline - now <= _urgentHorizon)
        {
            return held;
        }

        if (_first.TryPeek(out var first))
        {
            return first;
        }

        return held;
    }

    private void Dequeue(Waiter waiter)
    {
        if (_held.TryPeek(out var held, out _) && ReferenceEquals(held, waiter))
        {
            _held.Dequeue();
        }
        else
        {
            _first.Dequeue();
        }
    }

    // Called under _gate after Drain: while anyone waits, the timer is armed for the next permit, which is not there yet.
    private void ArmTimer(long now)
    {
        if (_held.Count == 0 && _first.Count == 0)
        {
            return;
        }

        var dueTimestamps = Math.Max(0, _theoreticalArrival - _tolerance - now);
        var due = TimeSpan.FromTicks((long)Math.Ceiling(dueTimestamps * (double)TimeSpan.TicksPerSecond / _timeProvider.TimestampFrequency));
        if (_timer is null)
        {
            using (ExecutionContext.SuppressFlow())
            {
                _timer = _timeProvider.CreateTimer(static state => ((StsRateLimiter)state!).OnTimer(), this, due, Timeout.InfiniteTimeSpan);
            }
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private sealed class Waiter() : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public CancellationTokenRegistration Registration { get; set; }
    }
}
