namespace CredentialKit;

/// <summary>
/// When a new session really expires on the process's clocks, and how far the local clock is from STS's.
/// </summary>
/// <param name="ExpiresAt">
/// The moment at which STS considers the session expired, on both local clocks (see <see cref="Deadline"/>). With a
/// usable STS <c>Date</c>, it is the lifetime STS granted (<c>Expiration − Date</c>) counted from the moment the request
/// was sent; otherwise what is left until <see cref="SessionCredentials.Expiration"/> read on the local wall clock,
/// counted from now.
/// </param>
/// <param name="Skew">STS's clock minus the local clock, when measured; positive means the local clock is behind.</param>
internal readonly record struct SessionTiming(Deadline ExpiresAt, TimeSpan? Skew)
{
    /// <summary>No STS session lasts longer than this (GetSessionToken's 36 hours, plus a margin).</summary>
    private static readonly TimeSpan MaximumPlausibleLifetime = TimeSpan.FromHours(37);

    /// <summary>Measures the session just received at <paramref name="now"/>.</summary>
    public static SessionTiming Measure(SessionCredentials credentials, StsClockReading? reading, ClockReading now)
    {
        if (reading is null)
        {
            return OnLocalClock(credentials, now);
        }

        // Date has whole-second resolution: STS's clock read somewhere in [Date, Date + 1 s) when it answered, and the
        // local clock somewhere in [SentAt, ReceivedAt]. Counting the shortest possible lifetime from the earliest
        // possible start never overstates it. The sanity checks use the timestamp: the wall clock may have stepped.
        var lifetime = credentials.Expiration - reading.ServerDate - reading.Resolution;
        if (lifetime <= TimeSpan.Zero || lifetime > MaximumPlausibleLifetime
            || reading.ReceivedAt.Timestamp < reading.SentAt.Timestamp || reading.ReceivedAt.Timestamp > now.Timestamp)
        {
            // A Date from a broken proxy or a cached response: trust the local clock rather than a nonsense figure.
            return OnLocalClock(credentials, now);
        }

        return new SessionTiming(Deadline.After(reading.SentAt, lifetime), reading.Skew);
    }

    /// <summary>The session's <see cref="SessionCredentials.Expiration"/> read on the local wall clock at <paramref name="now"/>.</summary>
    public static SessionTiming OnLocalClock(SessionCredentials credentials, ClockReading now) =>
        new(Deadline.After(now, credentials.Expiration - now.Wall), null);
}
