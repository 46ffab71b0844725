namespace CredentialKit;

/// <summary>
/// What one <see cref="RefreshingSession"/> does after a failed refresh and on invalidation: the backoff shared by every
/// caller and the timer, the error remembered so a broken role does not cost an STS call per request, and the window
/// that coalesces invalidations. A decision per event; the session applies it.
/// </summary>
/// <remarks>Every method but <see cref="CachedErrorAt"/> is called under the session's lock.</remarks>
internal sealed class RefreshFailurePolicy(RefreshSchedule schedule, TimeProvider timeProvider)
{
    private volatile FailureRecord? _failure;
    private Deadline? _retryAt;
    private int _consecutiveFailures;
    private long _issuedTimestamp;
    private long? _lastDropTimestamp;
    private long _issuedSinceDrop;

    /// <summary>Gets the failures since the last success.</summary>
    public int ConsecutiveFailures => _consecutiveFailures;

    /// <summary>Gets the end of the shared backoff after a failure that left nothing usable, if any.</summary>
    public Deadline? RetryAt => _retryAt;

    /// <summary>
    /// Gets the remembered error to throw at <paramref name="now"/> (a fresh copy of it), or <see langword="null"/> when
    /// none holds: callers then start or join a refresh. Lock-free.
    /// </summary>
    public CredentialRefreshException? CachedErrorAt(ClockReading now) =>
        _failure is { } failure && !failure.Until.IsReachedAt(now) ? failure.Rethrow() : null;

    /// <summary>A refresh issued a session: the backoff and the remembered error end.</summary>
    public void OnSucceeded()
    {
        _failure = null;
        _consecutiveFailures = 0;
        _retryAt = null;
        _issuedSinceDrop++;
        _issuedTimestamp = timeProvider.GetTimestamp();
    }

    /// <summary>
    /// A refresh failed with <paramref name="error"/>. Returns the held session to keep serving, with its refresh moment
    /// moved to <paramref name="retryAt"/>, when it is still usable; else <see langword="null"/>, and callers share one
    /// jittered, doubling backoff (and, for an error worth remembering, get it at once until it ends).
    /// </summary>
    public SessionSnapshot? OnFailed(CredentialRefreshException error, SessionSnapshot? snapshot, ClockReading now, out Deadline retryAt)
    {
        _consecutiveFailures++;
        if (snapshot is not null && !snapshot.UsableUntil.IsReachedAt(now))
        {
            // Keep serving the cached session; move its refresh moment so callers do not each start a new attempt.
            retryAt = schedule.RetryAfterFailure(snapshot, _consecutiveFailures, now);
            return snapshot with { RefreshAt = retryAt };
        }

        // Nothing usable remains: one backoff shared by every caller (and the timer), so an outage costs a retry series
        // per backoff period, not one per caller.
        retryAt = default;
        var backoffUntil = schedule.OutageBackoffUntil(_consecutiveFailures, now);
        var tooShort = error.ErrorCode == RefreshDefaults.SessionTooShortErrorCode;
        if (tooShort && backoffUntil.RemainingAt(now) < schedule.Settings.ErrorCacheDuration)
        {
            backoffUntil = Deadline.After(now, schedule.Settings.ErrorCacheDuration);
        }

        _retryAt = backoffUntil;
        if (error.IsTransient || tooShort)
        {
            // A session too short to use is a configuration to fix, not a blip, but it repeats until someone does:
            // callers and the timer share the doubling backoff (never shorter than the error cache).
            _failure = new FailureRecord(error, backoffUntil);
        }
        else if (schedule.Settings.ErrorCacheDuration > TimeSpan.Zero)
        {
            _failure = new FailureRecord(error, Deadline.After(now, schedule.Settings.ErrorCacheDuration));
        }

        return null;
    }

    /// <summary>
    /// Decides an invalidation of what the session holds (<paramref name="snapshot"/>, only if it is
    /// <paramref name="rejected"/> when that is given): <see langword="null"/> to drop it (the policy then forgets the
    /// remembered error and opens a coalescing window), else why not. For
    /// <see cref="SessionCacheDefaults.InvalidateCoalescingWindow"/> after a drop (counted from the drop, or from the
    /// issue of the replacement when that came later) another drops nothing, so invalidation costs at most one STS call
    /// per window, whatever callers do.
    /// </summary>
    public InvalidationIgnored? DecideDrop(SessionSnapshot? snapshot, SessionCredentials? rejected)
    {
        if (rejected is not null && (snapshot is null || !IsSameSession(snapshot.Credentials, rejected)))
        {
            return InvalidationIgnored.NotCurrent;
        }

        // A session issued since by an ordinary refresh is not a replacement and opens no window.
        var coalescing = _lastDropTimestamp is { } dropped
            && timeProvider.GetElapsedTime(_issuedSinceDrop == 1 ? Math.Max(dropped, _issuedTimestamp) : dropped)
                < SessionCacheDefaults.InvalidateCoalescingWindow;
        if (snapshot is null && _failure is null)
        {
            // Nothing held: a refresh is in flight (callers join it) or the next call starts one.
            return InvalidationIgnored.NothingToDrop;
        }

        if (coalescing)
        {
            return InvalidationIgnored.Coalesced;
        }

        _failure = null;
        _lastDropTimestamp = timeProvider.GetTimestamp();
        _issuedSinceDrop = 0;
        return null;
    }

    /// <summary>The library's exception for what a refresh threw, naming the role and the STS error code.</summary>
    public static CredentialRefreshException ToRefreshException(Exception exception, string roleArn, string? profileName) =>
        exception as CredentialRefreshException
        ?? new CredentialRefreshException(
            $"Could not refresh credentials for {roleArn}{RefreshingSession.ProfileSuffix(profileName)}: {exception.GetType().Name}.",
            profileName, roleArn, StsErrorClassifier.GetErrorCode(exception), attempts: 1,
            StsErrorClassifier.IsTransient(exception), exception);

    /// <summary>The error for a refresh that ended without an outcome (the end of the refresh itself threw).</summary>
    public static CredentialRefreshException Aborted(string roleArn, string? profileName) => new(
        $"The refresh of {roleArn}{RefreshingSession.ProfileSuffix(profileName)} ended without an outcome.",
        profileName, roleArn, "RefreshAborted", attempts: 0, isTransient: true, innerException: null);

    private static bool IsSameSession(SessionCredentials current, SessionCredentials rejected) =>
        ReferenceEquals(current, rejected)
        || (string.Equals(current.AccessKeyId, rejected.AccessKeyId, StringComparison.Ordinal)
            && string.Equals(current.SessionToken, rejected.SessionToken, StringComparison.Ordinal));

    /// <summary>A non-retryable failure remembered briefly, so a broken role does not cost an STS call per request.</summary>
    private sealed record FailureRecord(CredentialRefreshException Error, Deadline Until)
    {
        public CredentialRefreshException Rethrow() => new(
            Error.Message, Error.ProfileName, Error.RoleArn, Error.ErrorCode, Error.Attempts, Error.IsTransient, Error.InnerException);
    }
}
