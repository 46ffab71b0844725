namespace CredentialKit.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> as unkind as production: its wall clock reads <see cref="Skew"/> off the inner clock
/// (the "true" time STS runs on) and can step (<see cref="StepWallClock"/>), its timestamp stops while the machine is
/// "suspended" (<see cref="SuspendTimestamp"/>: the wall clock moves on, the timestamp and the timers do not), its timers
/// fire early or late by <see cref="TimerError"/>, and, like
/// <see cref="TimeProvider.System"/>, it rejects due times beyond ~49.7 days. Wrap a <c>FakeTimeProvider</c> for
/// deterministic tests or <see cref="TimeProvider.System"/> for real-clock ones; only this adversarial layer is hand-made.
/// </summary>
/// <remarks>Shared by every test project through a linked source file.</remarks>
public sealed class AdversarialTimeProvider(TimeProvider inner) : TimeProvider
{
    /// <summary>The largest due time <see cref="TimeProvider.System"/> timers accept: 0xFFFFFFFE milliseconds.</summary>
    public static readonly TimeSpan MaximumSystemDue = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly object _gate = new();
    private readonly HashSet<AdversarialTimer> _armed = [];
    private long _skewTicks;
    private long _suspendedTicks;

    /// <summary>Gets the clock STS runs on: the truth that expirations are judged by.</summary>
    public TimeProvider Inner { get; } = inner;

    /// <summary>Gets or sets how far this clock reads ahead of <see cref="Inner"/> (negative: behind).</summary>
    public TimeSpan Skew
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _skewTicks));
        set => Interlocked.Exchange(ref _skewTicks, value.Ticks);
    }

    /// <summary>Gets how long the timestamp has stood still in total (see <see cref="SuspendTimestamp"/>).</summary>
    public TimeSpan Suspended => TimeSpan.FromTicks(Interlocked.Read(ref _suspendedTicks));

    /// <summary>Steps the wall clock by <paramref name="delta"/> (negative: back, as NTP or a restored VM does); the timestamp does not move.</summary>
    public void StepWallClock(TimeSpan delta) => Interlocked.Add(ref _skewTicks, delta.Ticks);

    /// <summary>
    /// Starts a suspend of <paramref name="duration"/>: call it, then advance the inner clock by as much. The timestamp
    /// does not count the suspend (a monotonic clock stops while the machine sleeps) and every timer fires that much
    /// later than it would have, while the wall clock (inner time plus skew) keeps counting.
    /// </summary>
    public void SuspendTimestamp(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A suspend lasts zero or more.");
        }

        Interlocked.Add(ref _suspendedTicks, duration.Ticks);
    }

    /// <summary>
    /// Gets or sets the error applied to each due time a timer is given (negative fires early), from the requested due
    /// time. <see langword="null"/>: timers fire on time.
    /// </summary>
    public Func<TimeSpan, TimeSpan>? TimerError { get; set; }

    /// <summary>Gets how many timers are armed right now (a due time set, not yet fired, not disposed).</summary>
    public int ArmedTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _armed.Count;
            }
        }
    }

    /// <summary>An error source: each due time moves by a uniform amount in [-<paramref name="early"/>, +<paramref name="late"/>].</summary>
    public static Func<TimeSpan, TimeSpan> RandomError(Random random, TimeSpan early, TimeSpan late) => _ =>
    {
        lock (random)
        {
            return TimeSpan.FromTicks((long)((random.NextDouble() * (early + late).Ticks) - early.Ticks));
        }
    };

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Inner.GetUtcNow() + Skew;

    /// <inheritdoc />
    public override long GetTimestamp() =>
        Inner.GetTimestamp() - (long)(Interlocked.Read(ref _suspendedTicks) * (double)Inner.TimestampFrequency / TimeSpan.TicksPerSecond);

    /// <inheritdoc />
    public override long TimestampFrequency => Inner.TimestampFrequency;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new AdversarialTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private static void CheckSystemRange(TimeSpan value, string name)
    {
        // TimeProvider.System's timers throw for these; a test clock that accepts them hides the bug.
        if (value != Timeout.InfiniteTimeSpan && (value < TimeSpan.Zero || value > MaximumSystemDue))
        {
            throw new ArgumentOutOfRangeException(name, value, $"The timer due time or period must be -1 ms or 0 to {MaximumSystemDue.TotalMilliseconds} ms.");
        }
    }

    private sealed class AdversarialTimer : ITimer
    {
        private readonly AdversarialTimeProvider _owner;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly ITimer _inner;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private int _generation;
        private long _suspendedAtArm;
        private bool _disposed;

        public AdversarialTimer(AdversarialTimeProvider owner, TimerCallback callback, object? state)
        {
            _owner = owner;
            _callback = callback;
            _state = state;
            using (ExecutionContext.SuppressFlow())
            {
                _inner = owner.Inner.CreateTimer(static s => ((AdversarialTimer)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            CheckSystemRange(dueTime, nameof(dueTime));
            CheckSystemRange(period, nameof(period));
            TimeSpan effective;
            lock (_owner._gate)
            {
                if (_disposed)
                {
                    return false;
                }

                _generation++;
                _period = period;
                _suspendedAtArm = Interlocked.Read(ref _owner._suspendedTicks);
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    _owner._armed.Remove(this);
                    effective = Timeout.InfiniteTimeSpan;
                }
                else
                {
                    _owner._armed.Add(this);
                    // Never more than half the due time early: real timers are early by milliseconds, and a re-arm
                    // on a frozen fake clock must converge rather than fire at once forever.
                    var error = _owner.TimerError?.Invoke(dueTime) ?? TimeSpan.Zero;
                    effective = dueTime + (error < -(dueTime / 2) ? -(dueTime / 2) : error);
                }
            }

            // Periodic timers are re-armed by Fire, one period at a time, so each firing gets its own error.
            return _inner.Change(effective, Timeout.InfiniteTimeSpan);
        }

        public void Dispose()
        {
            lock (_owner._gate)
            {
                _disposed = true;
                _owner._armed.Remove(this);
            }

            _inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Fire()
        {
            TimeSpan period;
            lock (_owner._gate)
            {
                if (_disposed)
                {
                    return;
                }

                // A suspend since the timer was armed: a timer on a monotonic clock fires that much later.
                var slept = Interlocked.Read(ref _owner._suspendedTicks) - _suspendedAtArm;
                if (slept > 0)
                {
                    _suspendedAtArm += slept;
                    _inner.Change(TimeSpan.FromTicks(slept), Timeout.InfiniteTimeSpan);
                    return;
                }

                period = _period;
                if (period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero)
                {
                    _owner._armed.Remove(this);
                }
            }

            var generation = Volatile.Read(ref _generation);
            _callback(_state);
            if (period != Timeout.InfiniteTimeSpan && period > TimeSpan.Zero && Volatile.Read(ref _generation) == generation)
            {
                Change(period, period);
            }
        }
    }
}
