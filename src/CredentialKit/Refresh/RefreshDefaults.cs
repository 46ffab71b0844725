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
    /// The largest share of a session's own lifetime its refresh-ahead window may take, whatever was configured: the
    /// refresh moment then always lies at least half a lifetime after issue, so a short session (LocalSts, a SAML
    /// session cut by <c>SessionNotOnOrAfter</c>, a skewed clock) cannot turn into a refresh storm.
    /// </summary>
    public const double MaximumWindowShare = 0.5;

    /// <summary>First wait of the shared backoff after a failed retry series left nothing usable; it doubles per failure.</summary>
    public static readonly TimeSpan OutageBackoffBase = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the shared outage backoff: short, so that callers see a recovered STS within seconds.</summary>
    public static readonly TimeSpan OutageBackoffMax = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The longest due time CredentialKit gives a timer. System timers reject more than about 49.7 days; a session that
    /// lives longer gets a timer that fires early and re-arms until its refresh moment.
    /// </summary>
    public static readonly TimeSpan MaximumTimerDue = TimeSpan.FromDays(1);

    /// <summary>A measured clock skew beyond this is logged as a warning (SigV4 itself tolerates 5 minutes).</summary>
    public static readonly TimeSpan ClockSkewWarningThreshold = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The response <c>Date</c> header has one-second resolution: the lifetime measured on STS's clock is shortened by
    /// this much so that it never overstates what STS granted.
    /// </summary>
    public static readonly TimeSpan DateHeaderResolution = TimeSpan.FromSeconds(1);

    /// <summary>The error code of a refresh that got a session with no more than the minimum lifetime left.</summary>
    public const string SessionTooShortErrorCode = "SessionTooShort";

    /// <summary>
    /// How far the wall clock and the timestamp may drift apart while a session is held before CredentialKit treats it
    /// as a jump (a step of the wall clock, or a suspend) and re-plans the session on the more pessimistic of the two.
    /// NTP slews the wall clock by at most 0.5 ms a second, so this is seconds of slewing; a jump is far more.
    /// </summary>
    public static readonly TimeSpan ClockJumpTolerance = TimeSpan.FromMilliseconds(500);

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

    /// <summary>
    /// The window actually planned for a session: the configured one (or the default), never more than
    /// <see cref="MaximumWindowShare"/> of the session's own lifetime.
    /// </summary>
    public static TimeSpan RefreshWindow(TimeSpan? configured, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var window = configured ?? DefaultRefreshAhead(lifetime);
        var ceiling = TimeSpan.FromTicks((long)(lifetime.Ticks * MaximumWindowShare));
        return window > ceiling ? ceiling : window;
    }

    /// <summary>
    /// The shared backoff after the <paramref name="failures"/>-th failure with nothing usable left: 1 s doubling to
    /// 15 s, jittered to 50–100 % so that a fleet that failed together does not come back together.
    /// </summary>
    public static TimeSpan OutageBackoff(int failures, double random)
    {
        var exponent = Math.Clamp(failures - 1, 0, 16);
        var ticks = Math.Min(OutageBackoffBase.Ticks * (double)(1L << exponent), OutageBackoffMax.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (0.5 + (0.5 * random))));
    }
}
