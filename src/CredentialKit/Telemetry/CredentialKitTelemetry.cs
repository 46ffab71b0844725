using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CredentialKit;

/// <summary>
/// CredentialKit's one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named <c>CredentialKit</c>.
/// Tags carry profile names, role ARNs, operations, triggers and error codes, never a secret.
/// </summary>
internal sealed class CredentialKitTelemetry : IDisposable
{
    public const string Name = "CredentialKit";

    /// <summary>
    /// Bucket advice for <c>credentialkit.refresh.duration</c> (seconds): a loopback call takes milliseconds, a regional STS call
    /// tens to hundreds, and retries with backoff and attempt timeouts reach tens of seconds. The OpenTelemetry default
    /// buckets (0 to 10,000) are meant for milliseconds and would put almost every refresh in the first bucket.
    /// </summary>
    /// <remarks>Advice needs .NET 9's <c>System.Diagnostics.DiagnosticSource</c>; the net8.0 build records without it.</remarks>
    public static readonly IReadOnlyList<double> RefreshDurationBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Lazy<CredentialKitTelemetry> SharedInstance = new(() => new CredentialKitTelemetry(null));

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<RefreshingSession, byte> _sessions = new();
    private readonly TimeProvider? _gaugeClock;

    public CredentialKitTelemetry(IMeterFactory? meterFactory, TimeProvider? gaugeClock = null)
    {
        _gaugeClock = gaugeClock;
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        Refreshes = _meter.CreateCounter<long>("credentialkit.refresh.count", unit: "{refresh}",
            description: "Session refreshes, by outcome (success, failure, served_cached) and trigger.");
        RefreshDuration = _meter.CreateHistogram<double>("credentialkit.refresh.duration", unit: "s",
            description: "Time from the start of a refresh to a new session or a final failure, retries included."
#if NET9_0_OR_GREATER
            , tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RefreshDurationBuckets }
#endif
            );
        StsRequests = _meter.CreateCounter<long>("credentialkit.sts.requests", unit: "{request}",
            description: "STS requests (attempts), by operation and outcome (success or the STS error code).");
        _meter.CreateObservableGauge("credentialkit.session.remaining_lifetime", ObserveRemainingLifetime, unit: "s",
            description: "Time left on each held session.");
        _meter.CreateObservableGauge("credentialkit.clock_skew", ObserveClockSkew, unit: "s",
            description: "STS's clock minus the local clock, measured from the Date header of the response that issued each held session (positive: local clock behind).");
    }

    /// <summary>The process-wide instance used when no <see cref="IMeterFactory"/> is supplied.</summary>
    public static CredentialKitTelemetry Shared => SharedInstance.Value;

    public Counter<long> Refreshes { get; }

    public Histogram<double> RefreshDuration { get; }

    public Counter<long> StsRequests { get; }

    /// <summary>Starts reporting a held session on the remaining-lifetime gauge (its first handle).</summary>
    public void Track(RefreshingSession session) => _sessions.TryAdd(session, 0);

    /// <summary>Stops reporting a session (its last handle went, or it was disposed): nothing here keeps it reachable.</summary>
    public void Untrack(RefreshingSession session) => _sessions.TryRemove(session, out _);

    /// <summary>Gets the number of sessions the gauge reports; for tests and benchmarks.</summary>
    internal int TrackedSessionCount => _sessions.Count;

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<double>> ObserveRemainingLifetime()
    {
        foreach (var session in _sessions.Keys)
        {
            if (session.CurrentCredentials is { } credentials)
            {
                var now = (_gaugeClock ?? session.TimeProvider).GetUtcNow();
                yield return new Measurement<double>(
                    (session.CurrentExpiresAt is { } expiresAt ? expiresAt - now : credentials.RemainingLifetime(now)).TotalSeconds,
                    new KeyValuePair<string, object?>("credentialkit.profile", session.ProfileName),
                    new KeyValuePair<string, object?>("credentialkit.role_arn", session.RoleArn));
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveClockSkew()
    {
        foreach (var session in _sessions.Keys)
        {
            if (session.CurrentClockSkew is { } skew)
            {
                yield return new Measurement<double>(
                    skew.TotalSeconds,
                    new KeyValuePair<string, object?>("credentialkit.profile", session.ProfileName),
                    new KeyValuePair<string, object?>("credentialkit.role_arn", session.RoleArn));
            }
        }
    }
}
