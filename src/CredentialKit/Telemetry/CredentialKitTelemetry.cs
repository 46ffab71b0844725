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
    private readonly GaugeSlots _slots = new();
    private readonly TimeProvider? _gaugeClock;
    private readonly object _collectGate = new();
    private readonly Dictionary<string, int> _profileIds = new(StringComparer.Ordinal);
    private readonly List<string> _profiles = [];

    // Per-profile scratch of a collection, reused under _collectGate; sized by profiles, never by sessions.
    private double[] _aggregates = [];
    private bool[] _hasAggregate = [];
    private long[] _counts = [];

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
        StsEndpointsUnavailable = _meter.CreateUpDownCounter<long>("credentialkit.sts.endpoint.unavailable", unit: "{endpoint}",
            description: "STS endpoints that refreshes avoid after finding them failing (1 from the moment one goes down until it answers again), by endpoint and region.");
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

    /// <summary>STS endpoints currently avoided by sticky regional fallback (<see cref="StsEndpointTelemetry"/>).</summary>
    public UpDownCounter<long> StsEndpointsUnavailable { get; }

    /// <summary>Starts reporting a held session on the gauges (its first lease); returns its slot. Called under the cache's lock.</summary>
    public int Track(RefreshingSession session)
    {
        int profile;
        lock (_profileIds)
        {
            var name = session.ProfileName ?? string.Empty;
            if (!_profileIds.TryGetValue(name, out profile))
            {
                profile = _profiles.Count;
                _profiles.Add(name);
                _profileIds.Add(name, profile);
            }
        }

        return _slots.Rent(session, profile);
    }

    /// <summary>Records a held session's new snapshot (or none) in its gauge slot. Called under the session's lock.</summary>
    public void Update(int slotIndex, SessionSnapshot? snapshot)
    {
        if (slotIndex < 0)
        {
            return;
        }

        ref var slot = ref _slots[slotIndex];
        if (snapshot is null)
        {
            slot.ExpiresAtTicks = 0;
            return;
        }

        slot.UsableUntilTicks = snapshot.UsableUntil.Wall.UtcTicks;
        slot.UsableUntilTimestamp = snapshot.UsableUntil.Timestamp;
        slot.ExpiresAtTimestamp = snapshot.ExpiresAt.Timestamp;
        slot.SkewTicks = snapshot.Skew?.Ticks ?? 0;
        slot.HasSkew = snapshot.Skew.HasValue;
        slot.ExpiresAtTicks = snapshot.ExpiresAt.Wall.UtcTicks;
    }

    /// <summary>
    /// Stops reporting a session (its last lease went, or it was disposed) once it no longer writes to
    /// <paramref name="slotIndex"/>: nothing here keeps it reachable.
    /// </summary>
    public void Untrack(int slotIndex)
    {
        if (slotIndex >= 0)
        {
            _slots.Return(slotIndex);
        }
    }

    /// <summary>Gets the number of sessions the gauge reports; for tests and benchmarks.</summary>
    internal int TrackedSessionCount => _slots.Count;

    public void Dispose() => _meter.Dispose();

    // By default one series per profile (the least remaining lifetime; the largest skew), so 100,000 tenants are a
    // handful of series; sessions of a cache with SessionCacheOptions.PerRoleMetrics also report one series per role ARN.
    // One sequential pass over the gauge slots, no allocation per session: the per-profile tables are reused.
    private IEnumerable<Measurement<double>> ObserveRemainingLifetime() => Collect<RemainingLifetime>(takeLeast: true);

    private IEnumerable<Measurement<double>> ObserveClockSkew() => Collect<ClockSkew>(takeLeast: false);

    private IEnumerable<Measurement<long>> ObserveSessionCount()
    {
        lock (_collectGate)
        {
            var profiles = Reset();
            Array.Clear(_counts);
            var clock = new GaugeClock(_gaugeClock);
            foreach (ref readonly var slot in _slots.Held())
            {
                if (slot.Profile < profiles)
                {
                    _counts[(slot.Profile * 3) + StateOf(slot, clock.Now(slot.Clock))]++;
                }
            }

            var result = new List<Measurement<long>>();
            for (var profile = 0; profile < profiles; profile++)
            {
                for (var state = 0; state < 3; state++)
                {
                    if (_counts[(profile * 3) + state] is var count and > 0)
                    {
                        result.Add(new Measurement<long>(count, ProfileTag(profile), new KeyValuePair<string, object?>("credentialkit.state", States[state])));
                    }
                }
            }

            return result;
        }
    }

    private static readonly string[] States = [SessionGaugeState.Fresh, SessionGaugeState.BelowMinimumLifetime, SessionGaugeState.NoCredentials];

    // Both clocks, like the session's own checks (see Deadline): a moment is reached when either clock says so.
    private static int StateOf(in GaugeSlots.Slot slot, ClockReading now) =>
        slot.ExpiresAtTicks == 0 || now.Wall.UtcTicks >= slot.ExpiresAtTicks || now.Timestamp >= slot.ExpiresAtTimestamp ? 2
        : now.Wall.UtcTicks >= slot.UsableUntilTicks || now.Timestamp >= slot.UsableUntilTimestamp ? 1
        : 0;

    /// <summary>What a gauge reads from one slot; a struct type argument, so the scan loop is compiled per gauge, inlined.</summary>
    private interface ISlotValue
    {
        static abstract bool TryRead(in GaugeSlots.Slot slot, ClockReading now, out double value);
    }

    private readonly struct RemainingLifetime : ISlotValue
    {
        public static bool TryRead(in GaugeSlots.Slot slot, ClockReading now, out double value)
        {
            value = new Deadline(new DateTimeOffset(slot.ExpiresAtTicks, TimeSpan.Zero), slot.ExpiresAtTimestamp).RemainingAt(now).TotalSeconds;
            return slot.ExpiresAtTicks != 0;
        }
    }

    private readonly struct ClockSkew : ISlotValue
    {
        public static bool TryRead(in GaugeSlots.Slot slot, ClockReading now, out double value)
        {
            value = slot.SkewTicks / (double)TimeSpan.TicksPerSecond;
            return slot.ExpiresAtTicks != 0 && slot.HasSkew;
        }
    }

    private List<Measurement<double>> Collect<TValue>(bool takeLeast)
        where TValue : struct, ISlotValue
    {
        lock (_collectGate)
        {
            var profiles = Reset();
            Array.Clear(_hasAggregate);
            List<Measurement<double>>? perRole = null;
            var clock = new GaugeClock(_gaugeClock);
            foreach (ref readonly var slot in _slots.Held())
            {
                var owner = slot.Owner;
                if (owner is null || slot.Profile >= profiles || !TValue.TryRead(slot, clock.Now(slot.Clock), out var value))
                {
                    continue;
                }

                if (slot.PerRole)
                {
                    (perRole ??= []).Add(new Measurement<double>(value,
                        new KeyValuePair<string, object?>("credentialkit.profile", owner.ProfileName),
                        new KeyValuePair<string, object?>("credentialkit.role_arn", owner.RoleArn)));
                    continue;
                }

                var profile = slot.Profile;
                if (!_hasAggregate[profile]
                    || (takeLeast ? value < _aggregates[profile] : Math.Abs(value) > Math.Abs(_aggregates[profile])))
                {
                    _aggregates[profile] = value;
                    _hasAggregate[profile] = true;
                }
            }

            var result = new List<Measurement<double>>(profiles + (perRole?.Count ?? 0));
            for (var profile = 0; profile < profiles; profile++)
            {
                if (_hasAggregate[profile])
                {
                    result.Add(new Measurement<double>(_aggregates[profile], ProfileTag(profile)));
                }
            }

            if (perRole is not null)
            {
                result.AddRange(perRole);
            }

            return result;
        }
    }

    /// <summary>Sizes the per-profile scratch for the profiles known now (called under _collectGate); returns their count.</summary>
    private int Reset()
    {
        int profiles;
        lock (_profileIds)
        {
            profiles = _profiles.Count;
        }

        if (_aggregates.Length < profiles)
        {
            _aggregates = new double[profiles];
            _hasAggregate = new bool[profiles];
            _counts = new long[profiles * 3];
        }

        return profiles;
    }

    private KeyValuePair<string, object?> ProfileTag(int profile)
    {
        string name;
        lock (_profileIds)
        {
            name = _profiles[profile];
        }

        return new KeyValuePair<string, object?>("credentialkit.profile", name.Length == 0 ? null : name);
    }

    /// <summary>Reads each clock once per collection (sessions of one cache share one), not once per session.</summary>
    private struct GaugeClock(TimeProvider? fixedClock)
    {
        private TimeProvider? _last;
        private ClockReading _now;

        public ClockReading Now(TimeProvider? sessionClock)
        {
            var clock = fixedClock ?? sessionClock ?? TimeProvider.System;
            if (!ReferenceEquals(clock, _last))
            {
                _last = clock;
                _now = ClockReading.Now(clock);
            }

            return _now;
        }
    }
}
