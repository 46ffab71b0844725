namespace CredentialKit;

/// <summary>
/// The background refresh timer of one <see cref="RefreshingSession"/>: arms one timer for a <see cref="Deadline"/> and
/// calls the session back when it is due. The session decides when; this keeps the timer's quirks out of that decision.
/// </summary>
/// <remarks>
/// Every method but the callback is called under the session's lock (this object, <see cref="RefreshingSession.Gate"/>), which is why a callback
/// that a clock runs inside <see cref="ITimer.Change"/> on the same thread is deferred to the thread pool.
/// </remarks>
internal sealed class RefreshTimer(RefreshingSession owner)
{
    private readonly RefreshingSession _owner = owner;
    private ITimer? _timer;

    /// <summary>Gets whether a timer object exists (armed or disarmed); for test failure messages.</summary>
    public bool Exists => _timer is not null;

    /// <summary>
    /// Keeps the scheduling invariant, at the end of every transition of the session (a refresh ended, the session became
    /// held, the clocks jumped): while the session is held and background refresh is on, either a refresh is in flight
    /// (its end calls this again) or the timer is armed for the next background moment.
    /// </summary>
    public void Keep(bool enabled, bool refreshing, SessionSnapshot? snapshot, Deadline? retryAt, ClockReading now)
    {
        if (!enabled)
        {
            Disarm();
        }
        else if (!refreshing)
        {
            if (NextMoment(snapshot, retryAt, now) is { } moment)
            {
                ScheduleAt(moment, now);
            }
            else
            {
                Disarm();
            }
        }
    }

    /// <summary>
    /// When the timer should next refresh: the snapshot's refresh moment while it is usable; after a failure that left
    /// nothing usable, the end of the shared backoff (<paramref name="retryAt"/>); for a held session that is no longer
    /// usable (the machine slept through its refresh moment), now. <see langword="null"/> when nothing was ever issued
    /// (or it was invalidated): the next caller fetches.
    /// </summary>
    public static Deadline? NextMoment(SessionSnapshot? snapshot, Deadline? retryAt, ClockReading now) =>
        snapshot is not null && !snapshot.UsableUntil.IsReachedAt(now)
            ? snapshot.RefreshAt
            : retryAt ?? (snapshot is null ? null : Deadline.After(now, TimeSpan.Zero));

    /// <summary>
    /// Whether the timer that just fired is due for a refresh. Timers fire early (TimeProvider.System by a few
    /// milliseconds; a clamped due time by days): then this re-arms for the real moment instead of giving up on
    /// background refresh.
    /// </summary>
    public bool IsDue(SessionSnapshot? snapshot, Deadline? retryAt, ClockReading now)
    {
        if (NextMoment(snapshot, retryAt, now) is not { } moment)
        {
            return false;
        }

        if (moment.IsReachedAt(now))
        {
            return true;
        }

        ScheduleAt(moment, now);
        return false;
    }

    /// <summary>Arms the timer to fire when the first of the two clocks reaches <paramref name="at"/>.</summary>
    public void ScheduleAt(Deadline at, ClockReading now)
    {
        // Timers run on the timestamp's time: after a suspend one fires late, which the hot path covers (it reads the
        // wall clock too).
        var due = at.RemainingAt(now);
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }
        else if (due > RefreshDefaults.MaximumTimerDue)
        {
            // Timers reject due times beyond ~49.7 days; a shorter one fires early, and the session re-arms it.
            due = RefreshDefaults.MaximumTimerDue;
        }

        if (_timer is null)
        {
            using (ExecutionContext.SuppressFlow())
            {
                _timer = _owner.TimeProvider.CreateTimer(static state => ((RefreshTimer)state!).OnFired(), this, due, Timeout.InfiniteTimeSpan);
            }
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops the timer and keeps it for the next arming.</summary>
    public void Disarm() => _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    /// <summary>Disposes the timer: an unheld or disposed session keeps no timer object alive.</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private void OnFired()
    {
        if (Monitor.IsEntered(this))
        {
            // Some clocks (FakeTimeProvider) fire a timer that is due at once inside Change, on this thread, while the
            // session holds its lock: run it after the session's transition completes instead of in the middle of it.
            _owner.TelemetrySink.TimerDeferred();
            ThreadPool.UnsafeQueueUserWorkItem(
                static timer =>
                {
                    try
                    {
                        timer.OnFired();
                    }
                    finally
                    {
                        timer._owner.TelemetrySink.DeferredTimerRan();
                    }
                },
                this,
                preferLocal: false);
            return;
        }

        _owner.OnTimer();
    }
}
