namespace CredentialKit;

/// <summary>
/// How long a process that lost the lease may wait for the holder's notification: never past the point where the session
/// it holds would drop below its minimum lifetime, so a holder that dies (or a store that dies with it) cannot make the
/// waiter hand out a session under <see cref="RefreshOptions.MinimumLifetime"/>.
/// </summary>
internal static class LeaseWaitBudget
{
    /// <summary>
    /// The share of the held session's remaining usable time the wait may take: the rest is left for the STS call the
    /// waiter makes itself when nothing arrives (its attempts and retries), before the session stops being usable.
    /// </summary>
    public const double ShareOfTimeLeft = 0.5;

    /// <summary>
    /// The wait: <paramref name="notificationTimeout"/>, bounded by <see cref="ShareOfTimeLeft"/> of the time left until
    /// <paramref name="heldUsableUntil"/>; zero when that point has passed. Nothing held (a first fetch): the timeout.
    /// </summary>
    public static TimeSpan For(TimeSpan notificationTimeout, Deadline? heldUsableUntil, ClockReading now)
    {
        if (heldUsableUntil is not { } until)
        {
            return notificationTimeout;
        }

        var left = until.RemainingAt(now);
        if (left <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var share = TimeSpan.FromTicks((long)(left.Ticks * ShareOfTimeLeft));
        return share < notificationTimeout ? share : notificationTimeout;
    }
}
