namespace CredentialKit;

/// <summary>When sessions are re-issued, and how STS calls are retried.</summary>
/// <remarks>
/// A session is refreshed in the background once it enters its refresh-ahead window; callers keep receiving it until
/// less than <see cref="MinimumLifetime"/> remains, and only then wait for the (single) refresh.
/// </remarks>
public sealed class RefreshOptions
{
    /// <summary>Gets or sets how long before expiry the background refresh starts.</summary>
    /// <value>
    /// The default is <see langword="null"/>: 25 % of the session's lifetime, clamped to [1 min, 60 min]
    /// (15 min for a 1-hour session, 60 min for 12 hours). When set, it must exceed <see cref="MinimumLifetime"/>.
    /// </value>
    public TimeSpan? RefreshAhead { get; set; }

    /// <summary>Gets or sets the least lifetime a caller is ever handed; below it callers wait for the refresh.</summary>
    /// <value>The default is 1 minute. Allowed: 0 to 1 hour.</value>
    public TimeSpan MinimumLifetime { get; set; } = RefreshDefaults.MinimumLifetime;

    /// <summary>
    /// Gets or sets the share of the refresh-ahead window over which each session's refresh moment is spread at random,
    /// so a fleet of processes does not call STS in the same second.
    /// </summary>
    /// <value>The default is 0.5 (the first half of the window). Allowed: 0 to 1; 0 disables jitter.</value>
    public double JitterFraction { get; set; } = RefreshDefaults.JitterFraction;

    /// <summary>Gets or sets how many times a transiently failing STS call is retried.</summary>
    /// <value>The default is 3. Allowed: 0 to 10.</value>
    public int MaxRetryAttempts { get; set; } = RefreshDefaults.MaxRetryAttempts;

    /// <summary>Gets or sets the first retry delay; later ones double, with jitter.</summary>
    /// <value>The default is 500 ms. Allowed: 0 to 1 minute.</value>
    public TimeSpan RetryBaseDelay { get; set; } = RefreshDefaults.RetryBaseDelay;

    /// <summary>Gets or sets the cap on any single retry delay.</summary>
    /// <value>The default is 10 seconds. Allowed: at least <see cref="RetryBaseDelay"/>, at most 5 minutes.</value>
    public TimeSpan RetryMaxDelay { get; set; } = RefreshDefaults.RetryMaxDelay;

    /// <summary>Gets or sets the timeout of one STS attempt; a timed-out attempt counts as transient and is retried.</summary>
    /// <value>The default is 5 seconds. Allowed: 10 ms to 5 minutes.</value>
    public TimeSpan AttemptTimeout { get; set; } = RefreshDefaults.AttemptTimeout;

    /// <summary>
    /// Gets or sets how long to wait before trying again after a background refresh failed while the cached session is
    /// still usable. The delay is jittered, doubles on each consecutive failure, and never runs past the point where the
    /// session drops below <see cref="MinimumLifetime"/>.
    /// </summary>
    /// <value>The default is 30 seconds. Allowed: 1 second to 1 hour.</value>
    public TimeSpan FailedRefreshRetryDelay { get; set; } = RefreshDefaults.FailedRefreshRetryDelay;

    /// <summary>
    /// Gets or sets how long a non-retryable failure (AccessDenied, a validation error) is remembered when no usable
    /// session exists, so a broken role does not turn every request into an STS call.
    /// </summary>
    /// <value>The default is 5 seconds. Allowed: 0 to 10 minutes.</value>
    public TimeSpan ErrorCacheDuration { get; set; } = RefreshDefaults.ErrorCacheDuration;

    /// <summary>
    /// Gets or sets whether a timer starts the refresh at the scheduled moment even when nobody asks for credentials,
    /// so an idle service never wakes up to expired credentials.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool BackgroundRefresh { get; set; } = RefreshDefaults.BackgroundRefresh;
}
