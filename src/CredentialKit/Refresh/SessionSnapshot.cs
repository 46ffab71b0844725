namespace CredentialKit;

/// <summary>
/// What the hot path reads: the current credentials and the instants that decide what a caller gets.
/// Immutable, swapped atomically as a whole. Every instant is on the local clock.
/// </summary>
/// <param name="Credentials">The session handed out.</param>
/// <param name="RefreshAt">From here on a caller starts (or joins) a background refresh and still gets <paramref name="Credentials"/>.</param>
/// <param name="UsableUntil">From here on less than the minimum lifetime is left: callers wait for a new session.</param>
/// <param name="ExpiresAt">When STS considers the session expired, on the local clock (see <see cref="SessionTiming"/>).</param>
/// <param name="Skew">STS's clock minus the local clock as measured when the session arrived, if it could be.</param>
internal sealed record SessionSnapshot(
    SessionCredentials Credentials, DateTimeOffset RefreshAt, DateTimeOffset UsableUntil, DateTimeOffset ExpiresAt, TimeSpan? Skew = null)
{
    /// <summary>Creates a snapshot whose expiry is the credentials' own <see cref="SessionCredentials.Expiration"/>.</summary>
    public SessionSnapshot(SessionCredentials credentials, DateTimeOffset refreshAt, DateTimeOffset usableUntil)
        : this(credentials, refreshAt, usableUntil, credentials.Expiration)
    {
    }
}
