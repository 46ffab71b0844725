namespace CredentialKit;

/// <summary>Decides when a freshly issued session should be refreshed, and when to retry after a failure.</summary>
/// <param name="settings">The hop's refresh settings.</param>
/// <param name="random">Uniform in [0, 1): retry jitter, and the refresh jitter unless <paramref name="refreshJitter"/> is given.</param>
/// <param name="refreshJitter">
/// The refresh moment's draw in [0, 1], when it is not per process: a shared hop's <see cref="FleetRefreshJitter"/>.
/// </param>
internal sealed class RefreshSchedule(RefreshSettings settings, Func<double> random, Func<double>? refreshJitter = null)
{
    private readonly Func<double> _refreshJitter = refreshJitter ?? random;

    /// <summary>Gets the settings this schedule plans with.</summary>
    public RefreshSettings Settings => settings;

    /// <summary>
    /// Plans a new session from the expiry <paramref name="timing"/> measured on STS's clock. Every moment is an offset
    /// from <paramref name="now"/> on both local clocks, from the shorter of the lifetimes the two clocks leave.
    /// The refresh-ahead window is <see cref="RefreshSettings.RefreshAhead"/> (or 25 % of the lifetime, clamped to
    /// [1 min, 60 min]) but never more than half the session's own lifetime; the refresh moment falls uniformly in the
    /// first <see cref="RefreshSettings.JitterFraction"/> of the part of that window before the minimum-lifetime point,
    /// and never after the session drops below its minimum lifetime.
    /// </summary>
    public SessionSnapshot Plan(SessionCredentials credentials, SessionTiming timing, ClockReading now)
    {
        var lifetime = timing.ExpiresAt.RemainingAt(now);
        var ahead = RefreshDefaults.RefreshWindow(settings.RefreshAhead, lifetime);
        var usableFor = lifetime - settings.MinimumLifetime;
        // Jitter spreads the refresh over the part of the window before the minimum-lifetime point, so the latest
        // refresh moment still leaves the rest of that part for a late timer, a slow STS call and its retries.
        var spread = ahead - settings.MinimumLifetime;
        var jitter = spread <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks((long)(spread.Ticks * settings.JitterFraction * Math.Clamp(_refreshJitter(), 0, 1)));
        var refreshIn = lifetime - ahead + jitter;
        if (refreshIn > usableFor)
        {
            refreshIn = usableFor;
        }

        if (refreshIn < TimeSpan.Zero)
        {
            // Only a session that arrived with (almost) no usable life left; the caller rejects those as too short.
            refreshIn = TimeSpan.Zero;
        }

        return new SessionSnapshot(
            credentials, Deadline.After(now, refreshIn), Deadline.After(now, usableFor), Deadline.After(now, lifetime), timing.Skew);
    }

    /// <summary>
    /// The moment to try again after the <paramref name="consecutiveFailures"/>-th failed refresh while
    /// <paramref name="current"/> is still usable: the failed-refresh delay doubled per earlier failure, jittered to
    /// 80–100 % so a fleet that failed together does not retry together, and never past the end of usability.
    /// </summary>
    public Deadline RetryAfterFailure(SessionSnapshot current, int consecutiveFailures, ClockReading now)
    {
        var exponent = Math.Min(consecutiveFailures - 1, 16);
        var delayTicks = settings.FailedRefreshRetryDelay.Ticks * (double)(1L << exponent);
        delayTicks *= 0.8 + (0.2 * random());
        return delayTicks >= current.UsableUntil.RemainingAt(now).Ticks
            ? current.UsableUntil
            : Deadline.After(now, TimeSpan.FromTicks((long)delayTicks));
    }

    /// <summary>
    /// The end of the shared backoff after the <paramref name="consecutiveFailures"/>-th failure with nothing usable
    /// left (see <see cref="RefreshDefaults.OutageBackoff"/>).
    /// </summary>
    public Deadline OutageBackoffUntil(int consecutiveFailures, ClockReading now) =>
        Deadline.After(now, RefreshDefaults.OutageBackoff(consecutiveFailures, random()));
}
