namespace CredentialKit;

/// <summary>
/// When a new session really expires on the local clock, and how far the local clock is from STS's.
/// </summary>
/// <param name="ExpiresAt">
/// The local instant at which STS considers the session expired. With a usable STS <c>Date</c>, it is the lifetime
/// STS granted (<c>Expiration − Date</c>) counted from the local moment the request was sent; otherwise
/// <see cref="SessionCredentials.Expiration"/> read on the local clock.
/// </param>
/// <param name="Skew">STS's clock minus the local clock, when measured; positive means the local clock is behind.</param>
internal readonly record struct SessionTiming(DateTimeOffset ExpiresAt, TimeSpan? Skew)
{
    /// <summary>No STS session lasts longer than this (GetSessionToken's 36 hours, plus a margin).</summary>
    private static readonly TimeSpan MaximumPlausibleLifetime = TimeSpan.FromHours(37);

    /// <summary>Measures the session just received at local time <paramref name="now"/>.</summary>
    public static SessionTiming Measure(SessionCredentials credentials, StsClockReading? reading, DateTimeOffset now)
    {
        if (reading is null)
        {
            return new SessionTiming(credentials.Expiration, null);
        }

        // Date has whole-second resolution: STS's clock read somewhere in [Date, Date + 1 s) when it answered, and the
        // local clock somewhere in [SentAt, ReceivedAt]. Counting the shortest possible lifetime from the earliest
        // possible start never overstates it.
        var lifetime = credentials.Expiration - reading.ServerDate - RefreshDefaults.DateHeaderResolution;
        if (lifetime <= TimeSpan.Zero || lifetime > MaximumPlausibleLifetime || reading.ReceivedAt < reading.SentAt || reading.ReceivedAt > now)
        {
            // A Date from a broken proxy or a cached response: trust the local clock rather than a nonsense figure.
            return new SessionTiming(credentials.Expiration, null);
        }

        var localMidpoint = reading.SentAt + ((reading.ReceivedAt - reading.SentAt) / 2);
        var serverMidpoint = reading.ServerDate + (RefreshDefaults.DateHeaderResolution / 2);
        return new SessionTiming(reading.SentAt + lifetime, serverMidpoint - localMidpoint);
    }
}
