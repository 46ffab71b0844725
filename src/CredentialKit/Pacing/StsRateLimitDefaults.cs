namespace CredentialKit;

/// <summary>The single source of the STS rate limit's defaults (the README's defaults table mirrors it).</summary>
internal static class StsRateLimitDefaults
{
    /// <summary>
    /// STS calls per second that one <see cref="SessionCache"/> makes at most. STS allows 600 requests per second per
    /// account and region, shared by every process and tool of the account: 100 leaves room for five more processes like
    /// this one, warms 100,000 tenants in under 17 minutes and still refreshes 100,000 one-hour sessions (about 28 calls
    /// per second on average, more after a warm-up burst) with more than threefold headroom.
    /// </summary>
    public const int RequestsPerSecond = 100;

    /// <summary>How many calls may go at once after an idle spell, before the even spacing of 1/rate applies.</summary>
    public const int Burst = 10;

    /// <summary>The largest rate accepted; raised STS quotas exist, but above this a limit protects nothing.</summary>
    public const int MaximumRequestsPerSecond = 10_000;

    /// <summary>The largest burst accepted.</summary>
    public const int MaximumBurst = 10_000;

    /// <summary>
    /// A queued refresh of a session whose usable life (expiry minus <c>MinimumLifetime</c>) ends within this long goes ahead
    /// of every first fetch: far longer than a permit takes at the rate while only such refreshes compete, so a long queue of
    /// first fetches never lets a held session drop below its minimum lifetime. Early refreshes wait behind first fetches
    /// until they get this close.
    /// </summary>
    public static readonly TimeSpan UrgentHorizon = TimeSpan.FromMinutes(1);

    /// <summary>
    /// STS calls per second that a whole fleet sharing a store makes at most per account and region, when the store keeps
    /// a fleet budget: with <see cref="FleetBurst"/> any one second sees at most 550 of the account's 600, leaving room
    /// for tools and processes outside the fleet.
    /// </summary>
    public const int FleetRequestsPerSecond = 500;

    /// <summary>How many calls the fleet's bucket holds after a quiet spell.</summary>
    public const int FleetBurst = 50;

    /// <summary>After the fleet budget fails, how long the process paces with its own limit alone before asking again.</summary>
    public static readonly TimeSpan FleetBudgetCoolDown = TimeSpan.FromSeconds(5);

    /// <summary>The shortest wait for a fleet permit (no spinning on the store).</summary>
    public static readonly TimeSpan FleetBudgetMinimumWait = TimeSpan.FromMilliseconds(1);

    /// <summary>The longest single wait for a fleet permit before asking again.</summary>
    public static readonly TimeSpan FleetBudgetMaximumWait = TimeSpan.FromSeconds(1);
}
