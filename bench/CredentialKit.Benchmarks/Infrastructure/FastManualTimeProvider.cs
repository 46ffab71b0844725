namespace CredentialKit.Benchmarks.Infrastructure;

/// <summary>
/// A manual <see cref="TimeProvider"/> for simulations with many thousands of timers: the clock moves only when the
/// driver asks, and timers sit in a priority queue, so creating, changing, disposing and firing a timer costs O(log n)
/// instead of the test clock's O(n) scan.
/// </summary>
/// <remarks>
/// <see cref="GetUtcNow"/> is a single volatile read so refreshes running on thread-pool threads can read the clock
/// while the driver waits for them. Changed or disposed timers leave stale queue entries behind (lazy deletion); a
/// version stamp makes them harmless and they are dropped when they reach the head of the queue.
/// </remarks>
internal sealed class FastManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly object _gate = new();
    private readonly PriorityQueue<(FastTimer Timer, long Version), long> _queue = new();
    private long _nowTicks = start.UtcTicks;
    private int _activeTimers;
    private long _timersCreated;

    /// <summary>Gets the number of timers currently armed (created, not disposed, with a finite due time).</summary>
    public int ActiveTimerCount => Volatile.Read(ref _activeTimers);

    /// <summary>Gets the number of timers ever created.</summary>
    public long TimersCreated => Interlocked.Read(ref _timersCreated);

    /// <summary>Gets the number of entries in the queue, stale ones included (a leak shows up here too).</summary>
    public int QueueLength
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => new(Volatile.Read(ref _nowTicks), TimeSpan.Zero);

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => Volatile.Read(ref _nowTicks);

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Returns the due time of the earliest armed timer, or <see langword="null"/> when none is armed.</summary>
    public DateTimeOffset? NextDue()
    {
        lock (_gate)
        {
            return PeekValid(out var due) ? new DateTimeOffset(due, TimeSpan.Zero) : null;
        }
    }

    /// <summary>
    /// Fires the earliest armed timer if it is due at or before <paramref name="limit"/>: moves the clock to its due time
    /// and runs its callback on this thread.
    /// </summary>
    /// <param name="limit">The latest due time to fire.</param>
    /// <param name="state">The fired timer's state object (a refreshing session, for CredentialKit's refresh timers).</param>
    /// <returns><see langword="true"/> when a timer fired.</returns>
    public bool FireNext(DateTimeOffset limit, out object? state)
    {
        FastTimer timer;
        lock (_gate)
        {
            if (!PeekValid(out var due) || due > limit.UtcTicks)
            {
                state = null;
                return false;
            }

            timer = _queue.Dequeue().Timer;
            if (due > _nowTicks)
            {
                Volatile.Write(ref _nowTicks, due);
            }

            timer.OnFiredLocked(due);
        }

        state = timer.State;
        timer.Callback(timer.State);
        return true;
    }

    /// <summary>Moves the clock to <paramref name="target"/>, firing every timer due on the way in due-time order.</summary>
    /// <param name="target">The new time; earlier than now leaves the clock where it is.</param>
    public void AdvanceTo(DateTimeOffset target)
    {
        while (FireNext(target, out _))
        {
        }

        lock (_gate)
        {
            if (target.UtcTicks > _nowTicks)
            {
                Volatile.Write(ref _nowTicks, target.UtcTicks);
            }
        }
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing due timers.</summary>
    /// <param name="delta">How far to move.</param>
    public void Advance(TimeSpan delta) => AdvanceTo(GetUtcNow() + delta);

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timersCreated);
        var timer = new FastTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    // Called under _gate: drops stale heads, then reports the earliest live due time.
    private bool PeekValid(out long due)
    {
        while (_queue.TryPeek(out var head, out due))
        {
            if (head.Version == head.Timer.Version && head.Timer.IsArmed)
            {
                return true;
            }

            _queue.Dequeue();
        }

        due = 0;
        return false;
    }

    private sealed class FastTimer(FastManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private long _period = -1;
        private bool _disposed;

        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        public long Version { get; private set; }

        public bool IsArmed { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                if (_disposed)
                {
                    return false;
                }

                Disarm();
                _period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? -1 : period.Ticks;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    Arm(owner._nowTicks + Math.Max(0, dueTime.Ticks));
                }

                return true;
            }
        }

        // Called under the owner's lock, after the queue entry was removed.
        public void OnFiredLocked(long due)
        {
            Disarm();
            if (_period > 0)
            {
                Arm(due + _period);
            }
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                if (!_disposed)
                {
                    _disposed = true;
                    Disarm();
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Arm(long due)
        {
            Version++;
            IsArmed = true;
            owner._activeTimers++;
            owner._queue.Enqueue((this, Version), due);
        }

        private void Disarm()
        {
            Version++;
            if (IsArmed)
            {
                IsArmed = false;
                owner._activeTimers--;
            }
        }
    }
}
