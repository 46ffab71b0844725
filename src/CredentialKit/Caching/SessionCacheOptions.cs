using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>Settings and services for a <see cref="SessionCache"/>, shared by every provider that uses the cache.</summary>
public sealed class SessionCacheOptions
{
    /// <summary>
    /// Gets or sets the most sessions nobody holds that the cache keeps for reuse, such as those of
    /// <see cref="ICredentialProvider.ForRole"/> handles created per request and then disposed. Each hop's session counts 1.
    /// A session held by a live provider (or by an active child hop of one) is never evicted and is not counted.
    /// </summary>
    /// <value>The default is 1024. When room is needed, dynamic roles leave before the hops of configured profiles.</value>
    public long SizeLimit { get; set; } = SessionCacheDefaults.SizeLimit;

    /// <summary>Gets or sets the clock for expirations, refresh scheduling and retry delays.</summary>
    /// <value>The default is <see cref="System.TimeProvider.System"/>.</value>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Gets or sets the logger factory.</summary>
    /// <value>The default writes no logs.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the meter factory that creates the <c>CredentialKit</c> meter.</summary>
    /// <value>The default is a process-wide meter.</value>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Gets or sets the factory of STS clients.</summary>
    /// <value>The default is <see cref="StsClientFactory.Instance"/>: real AWS SDK clients with SDK retries off.</value>
    public IStsClientFactory? StsClientFactory { get; set; }

    /// <summary>Gets or sets the random source for jitter: a function returning uniform values in [0, 1).</summary>
    /// <value>The default is <see cref="Random.Shared"/>. Tests pass a fixed value to make schedules exact.</value>
    public Func<double>? Random { get; set; }

    /// <summary>
    /// Gets or sets an existing memory cache to keep the sessions nobody holds in. When set, <see cref="SizeLimit"/> is
    /// ignored (the cache's own limit applies to those sessions; each has size 1) and the cache is not disposed with the
    /// <see cref="SessionCache"/>. Held sessions are never put in it.
    /// </summary>
    public IMemoryCache? MemoryCache { get; set; }

    /// <summary>
    /// Gets or sets the store that processes of a fleet share sessions through (for example
    /// <c>RedisSharedSessionStore</c> from the <c>CredentialKit.Redis</c> package), so a whole fleet makes one STS call per
    /// hop per refresh. Only the refresh path consults it; when it fails or is slow, each process calls STS on its own.
    /// </summary>
    /// <value>The default is <see langword="null"/>: every process refreshes its sessions on its own.</value>
    public ISharedSessionStore? SharedStore { get; set; }

    /// <summary>
    /// Gets or sets the most STS calls per second that all providers over this cache make together (first fetches,
    /// refreshes and retries alike; each attempt takes one permit before its attempt timeout starts). Refreshes of sessions
    /// about to drop below their minimum lifetime go first, so warming many tenants at once never lets a held session
    /// expire. 0 turns pacing off. STS allows 600 requests per second per account and region, shared by every process.
    /// </summary>
    /// <value>The default is 100 calls per second; allowed are 0 (off) to 10,000.</value>
    public int StsRequestsPerSecond { get; set; } = StsRateLimitDefaults.RequestsPerSecond;

    /// <summary>
    /// Gets or sets how many STS calls may start at once after a quiet spell before calls are spaced evenly at
    /// <see cref="StsRequestsPerSecond"/>; any one second then sees at most the rate plus this many calls.
    /// </summary>
    /// <value>The default is 10; allowed are 1 to 10,000.</value>
    public int StsRequestBurst { get; set; } = StsRateLimitDefaults.Burst;

    /// <summary>
    /// Gets or sets the most STS calls per second that the whole fleet sharing <see cref="SharedStore"/> makes per account
    /// and region, when the store keeps a fleet budget (<see cref="IFleetStsBudget"/>; <c>RedisSharedSessionStore</c> does):
    /// each STS attempt of a shared hop takes a permit from the fleet's bucket after this process's own pacing
    /// (<see cref="StsRequestsPerSecond"/>), refreshes of sessions about to drop below their minimum lifetime first. While
    /// the store is unavailable each process paces with its own limit alone. 0 turns the fleet budget off.
    /// </summary>
    /// <value>The default is 500 calls per second (under STS's 600 per account and region); allowed are 0 (off) to 10,000.</value>
    public int FleetStsRequestsPerSecond { get; set; } = StsRateLimitDefaults.FleetRequestsPerSecond;

    /// <summary>
    /// Gets or sets how many STS calls the fleet's bucket holds after a quiet spell; any one second then sees at most
    /// <see cref="FleetStsRequestsPerSecond"/> plus this many calls from the fleet. A fifth of it is kept for urgent refreshes.
    /// </summary>
    /// <value>The default is 50; allowed are 1 to 10,000.</value>
    public int FleetStsRequestBurst { get; set; } = StsRateLimitDefaults.FleetBurst;

    /// <summary>
    /// Gets or sets whether the <c>credentialkit.session.remaining_lifetime</c> and <c>credentialkit.clock_skew</c> gauges
    /// report every held session on its own series, tagged with its role ARN. Off, they report one series per profile
    /// (the least remaining lifetime, the largest skew) and <c>credentialkit.session.count</c> counts sessions per state:
    /// a series per role ARN is 100,000 series at 100,000 tenants, which most metric back-ends bill or drop.
    /// </summary>
    /// <value>The default is <see langword="false"/>: one series per profile.</value>
    public bool PerRoleMetrics { get; set; }
}
