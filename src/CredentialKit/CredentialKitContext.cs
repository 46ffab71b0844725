using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>The shared services every session of one <see cref="SessionCache"/> uses.</summary>
internal sealed class CredentialKitContext(
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    CredentialKitTelemetry telemetry,
    IStsClientFactory stsClientFactory,
    Func<double> random,
    StsRateLimiter? stsRateLimiter = null,
    bool perRoleMetrics = false)
{
    public TimeProvider TimeProvider { get; } = timeProvider;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    /// <summary>The logger every session of this cache writes to (category <c>CredentialKit.CredentialProvider</c>).</summary>
    public ILogger SessionLogger { get; } = loggerFactory.CreateLogger(SessionLoggerCategory);

    /// <summary>The category of the logger sessions and their STS calls write to.</summary>
    public const string SessionLoggerCategory = "CredentialKit.CredentialProvider";

    public CredentialKitTelemetry Telemetry { get; } = telemetry;

    public IStsClientFactory StsClientFactory { get; } = stsClientFactory;

    /// <summary>Uniform in [0, 1): jitter for refresh moments and retry delays. Injectable so tests are exact.</summary>
    public Func<double> Random { get; } = random;

    /// <summary>The pace of every STS call made through this cache, or <see langword="null"/> when unlimited.</summary>
    public StsRateLimiter? StsRateLimiter { get; } = stsRateLimiter;

    /// <summary>Whether gauges report each session of this cache on its own series (see <see cref="SessionCacheOptions.PerRoleMetrics"/>).</summary>
    public bool PerRoleMetrics { get; } = perRoleMetrics;

    /// <summary>The Polly pipelines of this cache, one per distinct refresh settings.</summary>
    public StsResiliencePipelines Pipelines { get; } = new(timeProvider, random, stsRateLimiter, loggerFactory.CreateLogger(SessionLoggerCategory));

    /// <summary>The health of every STS endpoint this cache calls, shared by all its providers (sticky regional fallback).</summary>
    public StsEndpointHealthRegistry EndpointHealth { get; } =
        new(timeProvider, new StsEndpointTelemetry(loggerFactory.CreateLogger(SessionLoggerCategory), telemetry));

    private readonly System.Collections.Concurrent.ConcurrentDictionary<RefreshSettings, RefreshSchedule> _schedules = new();

    /// <summary>The refresh planner for <paramref name="settings"/>: stateless, so one per distinct settings serves every session.</summary>
    public RefreshSchedule ScheduleFor(RefreshSettings settings) =>
        _schedules.TryGetValue(settings, out var schedule) ? schedule : _schedules.GetOrAdd(settings, s => new RefreshSchedule(s, Random));

    /// <summary>
    /// The refresh planner for a session fetched by <paramref name="fetcher"/>: a hop the fleet shares draws its refresh
    /// jitter from its fleet key (<see cref="FleetRefreshJitter"/>), so the fleet's roles spread over the window; any other
    /// hop uses the planner of its settings.
    /// </summary>
    public RefreshSchedule ScheduleFor(RefreshSettings settings, ISessionFetcher fetcher) =>
        fetcher is SharedSessionFetcher shared
            ? new RefreshSchedule(settings, Random, FleetRefreshJitter.For(shared.HopKey, Random))
            : ScheduleFor(settings);
}
