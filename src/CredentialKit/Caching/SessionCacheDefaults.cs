namespace CredentialKit;

/// <summary>The single source of the session cache's defaults (the README's defaults table mirrors it).</summary>
internal static class SessionCacheDefaults
{
    /// <summary>The most sessions nobody holds that the cache keeps for reuse (sessions held by a live handle are not counted).</summary>
    public const long SizeLimit = 1024;

    /// <summary>
    /// After an invalidation drops a session, further invalidations of that session drop nothing for this long, counted
    /// from the drop or from the issue of the replacement when that came later: callers that saw the same rejection
    /// together share one new session, and invalidation costs at most one STS call per window per session.
    /// </summary>
    public static readonly TimeSpan InvalidateCoalescingWindow = TimeSpan.FromSeconds(1);

    /// <summary>How often the idle pool's memory cache scans for sessions that expired while nobody held them.</summary>
    public static readonly TimeSpan ExpirationScanFrequency = TimeSpan.FromMinutes(1);
}
