namespace CredentialKit;

/// <summary>Decides when a freshly issued session should be refreshed, and when to retry after a failure.</summary>
internal sealed class RefreshSchedule(RefreshSettings settings, Func<double> random)
{
    /// <summary>
    /// Plans a new session on the local clock, from the expiry <paramref name="timing"/> measured on STS's clock.
    /// The refresh-ahead window is <see cref="RefreshSettings.RefreshAhead"/> (or 25 % of the lifetime, clamped to
    /// [1 min, 60 min]) but never more than half the session's own lifetime; the refresh moment falls uniformly in the
    /// first <see cref="RefreshSettings.JitterFraction"/> of the part of that window before the minimum-lifetime point,
    /// and never after the session drops below its minimum lifetime.
    /// </summary>
    public SessionSnapshot Plan(SessionCredentials credentials, SessionTiming timing, DateTimeOffset now)
    {
        var expiresAt = timing.ExpiresAt;
        var lifetime = expiresAt - now;
        var ahead = RefreshDefaults.RefreshWindow(settings.RefreshAhead, lifetime);
        var usableUntil = expiresAt - settings.MinimumLifetime;
        var windowStart = expiresAt - ahead;
        // Jitter spreads the refresh over the part of the window before the minimum-lifetime point, so the latest
        // refresh moment still leaves the rest of that part for a late timer, a slow STS call and its retries.
        var spread = ahead - settings.MinimumLifetime;
        var jitter = spread <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks((long)(spread.Ticks * settings.JitterFraction * random()));
        var refreshAt = windowStart + jitter;
        if (refreshAt > usableUntil)
        {
            refreshAt = usableUntil;
        }

        if (refreshAt < now)
        {
            // Only a session that arrived with (almost) no usable life left; the caller rejects those as too short.
            refreshAt = now;
        }

        return new SessionSnapshot(credentials, refreshAt, usableUntil, expiresAt, timing.Skew);
    }

    /// <summary>Plans a new session whose expiry is read on the local clock.</summary>
    public SessionSnapshot Plan(SessionCredentials credentials, DateTimeOffset now) =>
        Plan(credentials, new SessionTiming(credentials.Expiration, null), now);

    /// <summary>
    /// The moment to try again after the <paramref name="consecutiveFailures"/>-th failed refresh while
    /// <paramref name="current"/> is still usable: the failed-refresh delay doubled per earlier failure, jittered to
    /// 80–100 % so a fleet that failed together does not retry together, and never past the end of usability.
    /// </summary>
    public DateTimeOffset RetryAfterFailure(SessionSnapshot current, int consecutiveFailures, DateTimeOffset now)
    {
        var exponent = Math.Min(consecutiveFailures - 1, 16);
        var delayTicks = settings.FailedRefreshRetryDelay.Ticks * (double)(1L << exponent);
        delayTicks *= 0.8 + (0.2 * random());
        var retryAt = delayTicks >= (current.UsableUntil - now).Ticks
            ? current.UsableUntil
            : now + TimeSpan.FromTicks((long)delayTicks);
        return retryAt < now ? now : retryAt;
    }

    /// <summary>
    /// The end of the shared backoff after the <paramref name="consecutiveFailures"/>-th failure with nothing usable
    /// left (see <see cref="RefreshDefaults.OutageBackoff"/>).
    /// </summary>
    public DateTimeOffset OutageBackoffUntil(int consecutiveFailures, DateTimeOffset now) =>
        now + RefreshDefaults.OutageBackoff(consecutiveFailures, random());
}
