namespace CredentialKit.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock moves only when a test calls <see cref="Advance"/>.
/// Timers created from it fire (synchronously, on the advancing thread) when the clock passes their due time,
/// so tests drive refresh schedules, Polly delays and timeouts without waiting on real time.
/// </summary>
/// <remarks>Shared by every test project through a linked source file.</remarks>
public sealed class ManualTimeProvider : TimeProvider
{
    /// <summary>The instant tests start at unless they choose another: a fixed, arbitrary moment.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _timestamp;

    /// <summary>Creates a clock that starts at <paramref name="start"/> (default <see cref="DefaultStart"/>).</summary>
    public ManualTimeProvider(DateTimeOffset? start = null) => _now = start ?? DefaultStart;

    /// <summary>Number of timers currently scheduled (due time not infinite, not disposed).</summary>
    public int ActiveTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    /// <summary>Time until the earliest scheduled timer fires, or <see langword="null"/> when none is scheduled.</summary>
    public TimeSpan? NextTimerDueIn
    {
        get
        {
            lock (_gate)
            {
                var next = _timers.Where(t => t.DueAt is not null).Select(t => t.DueAt!.Value).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
                return next == DateTimeOffset.MaxValue ? null : next - _now;
            }
        }
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _timestamp;
        }
    }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Moves the clock forward, firing every timer that falls due, in due-time order.</summary>
    public void Advance(TimeSpan delta)
    {
        if (delta < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), "The manual clock only moves forward.");
        }

        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        while (true)
        {
            ManualTimer? due;
            lock (_gate)
            {
                due = _timers
                    .Where(t => t.DueAt is { } at && at <= target)
                    .OrderBy(t => t.DueAt)
                    .FirstOrDefault();
                var moveTo = due?.DueAt ?? target;
                if (moveTo > _now)
                {
                    _timestamp += (moveTo - _now).Ticks;
                    _now = moveTo;
                }

                due?.MarkFired();
            }

            if (due is null)
            {
                return;
            }

            due.Fire();
        }
    }

    /// <summary>Sets the clock to <paramref name="instant"/>, firing due timers on the way.</summary>
    public void AdvanceTo(DateTimeOffset instant) => Advance(instant - GetUtcNow());

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset? DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                if (!owner._timers.Contains(this))
                {
                    return false;
                }

                _period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
                return true;
            }
        }

        // Called under the owner's lock: reschedule a periodic timer or disarm a one-shot one.
        public void MarkFired() =>
            DueAt = _period == Timeout.InfiniteTimeSpan || _period <= TimeSpan.Zero ? null : DueAt + _period;

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                DueAt = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
