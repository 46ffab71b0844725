namespace CredentialKit;

/// <summary>
/// One fetch of a new session, measured: the fetcher's STS call with this refresh's own per-call data, the session's
/// timing on the local clock, and the check that it lives longer than the minimum lifetime.
/// </summary>
internal static class SessionFetch
{
    /// <exception cref="CredentialRefreshException">STS could not issue a session, or issued one too short to use.</exception>
    public static async Task<(SessionCredentials Credentials, SessionTiming Timing, ClockReading Now)> FetchAsync(
        ISessionFetcher fetcher, RefreshSettings settings, TimeProvider timeProvider, DateTimeOffset? usableUntil, string? profileName,
        CancellationToken cancellationToken)
    {
        // A fresh observation for this flow, also when run inline inside a child hop's refresh: the child's own
        // observation is restored for it when this method returns to it.
        var clock = StsClockObservation.Begin(timeProvider);
        // The held session's deadline goes with the call: the STS pacing puts refreshes of sessions about to become
        // unusable ahead of first fetches.
        var credentials = await fetcher.FetchAsync(new FetchRequest(usableUntil), cancellationToken).ConfigureAwait(false);
        var now = ClockReading.Now(timeProvider);
        var timing = SessionTiming.Measure(credentials, clock.Last, now);
        if (timing.ExpiresAt.RemainingAt(now) <= settings.MinimumLifetime)
        {
            throw new CredentialRefreshException(
                $"STS issued a session for {fetcher.RoleArn} that expires at {credentials.Expiration:O}, with no more than " +
                $"the minimum lifetime ({settings.MinimumLifetime}) left. Lower Refresh.MinimumLifetime or raise the session Duration.",
                profileName, fetcher.RoleArn, RefreshDefaults.SessionTooShortErrorCode, attempts: 1, isTransient: false, innerException: null);
        }

        return (credentials, timing, now);
    }
}
