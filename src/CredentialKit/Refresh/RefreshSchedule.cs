namespace CredentialKit;

/// <summary>Decides when a freshly issued session should be refreshed, and when to retry after a failure.</summary>
internal sealed class RefreshSchedule(RefreshSettings settings, Func<double> random)
{
    /// <summary>
    /// Plans a new session: the refresh-ahead window is <see cref="RefreshSettings.RefreshAhead"/> (or 25 % of the
    /// lifetime, clamped to [1 min, 60 min]); the refresh moment falls uniformly in the first
    /// <see cref="RefreshSettings.JitterFraction"/> of that window, and never after the session drops below its minimum lifetime.
    /// </summary>
    public SessionSnapshot Plan(SessionCredentials credentials, DateTimeOffset now)
    {
        var lifetime = credentials.Expiration - now;
        var ahead = settings.RefreshAhead ?? RefreshDefaults.DefaultRefreshAhead(lifetime);
        var usableUntil = credentials.Expiration - settings.MinimumLifetime;
        var windowStart = credentials.Expiration - ahead;
        var jitter = TimeSpan.FromTicks((long)(ahead.Ticks * settings.JitterFraction * random()));
        var refreshAt = windowStart + jitter;
        if (refreshAt > usableUntil)
        {
            refreshAt = usableUntil;
        }

        if (refreshAt < now)
        {
            refreshAt = now;
        }

        return new SessionSnapshot(credentials, refreshAt, usableUntil);
    }

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
}
