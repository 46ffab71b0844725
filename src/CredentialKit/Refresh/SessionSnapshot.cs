namespace CredentialKit;

/// <summary>
/// What the hot path reads: the current credentials and the moments that decide what a caller gets.
/// Immutable, swapped atomically as a whole. Every moment is planned on both local clocks (see <see cref="Deadline"/>),
/// so a wall clock that steps back or a suspended machine cannot stretch a session past its real lifetime.
/// </summary>
/// <param name="Credentials">The session handed out.</param>
/// <param name="RefreshAt">From here on a caller starts (or joins) a background refresh and still gets <paramref name="Credentials"/>.</param>
/// <param name="UsableUntil">From here on less than the minimum lifetime is left: callers wait for a new session.</param>
/// <param name="ExpiresAt">When STS considers the session expired (see <see cref="SessionTiming"/>).</param>
/// <param name="Skew">STS's clock minus the local clock as measured when the session arrived, if it could be.</param>
internal sealed record SessionSnapshot(
    SessionCredentials Credentials, Deadline RefreshAt, Deadline UsableUntil, Deadline ExpiresAt, TimeSpan? Skew = null)
{
    /// <summary>
    /// Whether the clocks jumped since this plan was made (see <see cref="Deadline.DivergenceAt"/>) by more than
    /// <see cref="RefreshDefaults.ClockJumpTolerance"/>; <paramref name="jump"/> is how far the wall clock moved against
    /// the timestamp (negative: stepped back; positive: stepped forward, or the machine slept). Arithmetic only: the
    /// hot path checks it on every read.
    /// </summary>
    public bool ClocksJumpedAt(ClockReading now, out TimeSpan jump)
    {
        jump = -ExpiresAt.DivergenceAt(now);
        return jump > RefreshDefaults.ClockJumpTolerance || jump < -RefreshDefaults.ClockJumpTolerance;
    }

    /// <summary>This plan made again from <paramref name="now"/>, each moment on the more pessimistic of the two clocks.</summary>
    public SessionSnapshot RebasedAt(ClockReading now) => this with
    {
        RefreshAt = RefreshAt.RebasedAt(now),
        UsableUntil = UsableUntil.RebasedAt(now),
        ExpiresAt = ExpiresAt.RebasedAt(now),
    };
}
