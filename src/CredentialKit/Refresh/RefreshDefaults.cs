namespace CredentialKit;

/// <summary>The single source of CredentialKit's refresh and retry defaults (the README's defaults table mirrors it).</summary>
internal static class RefreshDefaults
{
    /// <summary>Share of a session's lifetime used as the refresh-ahead window when none is set.</summary>
    public const double RefreshAheadShare = 0.25;

    public static readonly TimeSpan MinimumRefreshAhead = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaximumRefreshAhead = TimeSpan.FromMinutes(60);
    public static readonly TimeSpan MinimumLifetime = TimeSpan.FromMinutes(1);
    public const double JitterFraction = 0.5;
    public const int MaxRetryAttempts = 3;
    public static readonly TimeSpan RetryBaseDelay = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan RetryMaxDelay = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan FailedRefreshRetryDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan ErrorCacheDuration = TimeSpan.FromSeconds(5);
    public const bool BackgroundRefresh = true;

    /// <summary>Session duration asked of STS when a hop sets none (the STS default too).</summary>
    public static readonly TimeSpan SessionDuration = TimeSpan.FromHours(1);

    /// <summary>STS caps a role session assumed with another role's session at one hour.</summary>
    public static readonly TimeSpan RoleChainingMaximum = TimeSpan.FromHours(1);

    /// <summary>
    /// The refresh-ahead window for a session of the given lifetime: 25 % of it, clamped to [1 min, 60 min].
    /// </summary>
    public static TimeSpan DefaultRefreshAhead(TimeSpan lifetime)
    {
        var share = TimeSpan.FromTicks((long)(lifetime.Ticks * RefreshAheadShare));
        return share < MinimumRefreshAhead ? MinimumRefreshAhead
            : share > MaximumRefreshAhead ? MaximumRefreshAhead
            : share;
    }
}
