namespace CredentialKit;

/// <summary>An immutable copy of <see cref="RefreshOptions"/>, taken when a provider is created.</summary>
/// <remarks>A record, so that two hops share a cached session only when they also refresh the same way.</remarks>
internal sealed record RefreshSettings(
    TimeSpan? RefreshAhead,
    TimeSpan MinimumLifetime,
    double JitterFraction,
    int MaxRetryAttempts,
    TimeSpan RetryBaseDelay,
    TimeSpan RetryMaxDelay,
    TimeSpan AttemptTimeout,
    TimeSpan FailedRefreshRetryDelay,
    TimeSpan ErrorCacheDuration,
    bool BackgroundRefresh)
{
    public static RefreshSettings From(RefreshOptions options) => new(
        options.RefreshAhead,
        options.MinimumLifetime,
        options.JitterFraction,
        options.MaxRetryAttempts,
        options.RetryBaseDelay,
        options.RetryMaxDelay,
        options.AttemptTimeout,
        options.FailedRefreshRetryDelay,
        options.ErrorCacheDuration,
        options.BackgroundRefresh);
}
