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
    private readonly object _collectGate = new();
    private readonly Dictionary<string, double> _aggregates = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Profile, string State), long> _counts = [];

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
            description: "Time left on held sessions: the least per profile, or per role ARN where SessionCacheOptions.PerRoleMetrics is on.");
        _meter.CreateObservableGauge("credentialkit.session.count", ObserveSessionCount, unit: "{session}",
            description: "Held sessions per profile and state (fresh, below_minimum_lifetime, no_credentials).");
        _meter.CreateObservableGauge("credentialkit.clock_skew", ObserveClockSkew, unit: "s",
            description: "STS's clock minus the local clock, measured from the Date header of the response that issued each held session (positive: local clock behind); per profile the largest, or per role ARN where SessionCacheOptions.PerRoleMetrics is on.");
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

    // By default one series per profile (the least remaining lifetime; the largest skew), so 100,000 tenants are a
    // handful of series; sessions of a cache with SessionCacheOptions.PerRoleMetrics also report one series per role ARN.
    // One pass over the held sessions, no allocation per session: the per-profile table is reused under _collectGate.
    private IEnumerable<Measurement<double>> ObserveRemainingLifetime() =>
        Collect(static (session, now) => session.CurrentCredentials is { } credentials
            ? (session.CurrentExpiresAt is { } expiresAt ? expiresAt - now : credentials.RemainingLifetime(now)).TotalSeconds
            : null, takeLeast: true);

    private IEnumerable<Measurement<double>> ObserveClockSkew() =>
        Collect(static (session, _) => session.CurrentClockSkew?.TotalSeconds, takeLeast: false);

    private IEnumerable<Measurement<long>> ObserveSessionCount()
    {
        lock (_collectGate)
        {
            _counts.Clear();
            var clock = new GaugeClock(_gaugeClock);
            foreach (var entry in _sessions)
            {
                var session = entry.Key;
                var state = SessionGaugeState.Of(session, clock.Now(session.TimeProvider));
                var key = (session.ProfileName ?? string.Empty, state);
                _counts[key] = _counts.GetValueOrDefault(key) + 1;
            }

            var result = new List<Measurement<long>>(_counts.Count);
            foreach (var ((profile, state), count) in _counts)
            {
                result.Add(new Measurement<long>(count,
                    new KeyValuePair<string, object?>("credentialkit.profile", profile.Length == 0 ? null : profile),
                    new KeyValuePair<string, object?>("credentialkit.state", state)));
            }

            return result;
        }
    }

    private List<Measurement<double>> Collect(Func<RefreshingSession, DateTimeOffset, double?> observe, bool takeLeast)
    {
        lock (_collectGate)
        {
            _aggregates.Clear();
            List<Measurement<double>>? perRole = null;
            var clock = new GaugeClock(_gaugeClock);
            foreach (var entry in _sessions)
            {
                var session = entry.Key;
                if (observe(session, clock.Now(session.TimeProvider)) is not { } value)
                {
                    continue;
                }

                if (session.PerRoleMetrics)
                {
                    (perRole ??= []).Add(new Measurement<double>(value,
                        new KeyValuePair<string, object?>("credentialkit.profile", session.ProfileName),
                        new KeyValuePair<string, object?>("credentialkit.role_arn", session.RoleArn)));
                    continue;
                }

                var key = session.ProfileName ?? string.Empty;
                if (!_aggregates.TryGetValue(key, out var current)
                    || (takeLeast ? value < current : Math.Abs(value) > Math.Abs(current)))
                {
                    _aggregates[key] = value;
                }
            }

            var result = new List<Measurement<double>>(_aggregates.Count + (perRole?.Count ?? 0));
            foreach (var (profile, value) in _aggregates)
            {
                result.Add(new Measurement<double>(value,
                    new KeyValuePair<string, object?>("credentialkit.profile", profile.Length == 0 ? null : profile)));
            }

            if (perRole is not null)
            {
                result.AddRange(perRole);
            }

            return result;
        }
    }

    /// <summary>Reads each clock once per collection (sessions of one cache share one), not once per session.</summary>
    private struct GaugeClock(TimeProvider? fixedClock)
    {
        private TimeProvider? _last;
        private DateTimeOffset _now;

        public DateTimeOffset Now(TimeProvider sessionClock)
        {
            var clock = fixedClock ?? sessionClock;
            if (!ReferenceEquals(clock, _last))
            {
                _last = clock;
                _now = clock.GetUtcNow();
            }

            return _now;
        }
    }
}
