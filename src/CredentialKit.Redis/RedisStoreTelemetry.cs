using System.Diagnostics.Metrics;

namespace CredentialKit.Redis;

/// <summary>
/// The Redis store's <c>credentialkit.shared_store.*</c> instruments on the <c>CredentialKit</c> meter. Tags: operation,
/// outcome, exception type names and circuit states; never a key or a value.
/// </summary>
internal sealed class RedisStoreTelemetry : IDisposable
{
    public const string MeterName = "CredentialKit";

    private readonly Meter _meter;

    public RedisStoreTelemetry(IMeterFactory? meterFactory, Func<int> available)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        Operations = _meter.CreateCounter<long>("credentialkit.shared_store.operations", unit: "{operation}",
            description: "Redis operations of the shared session store, by operation and outcome (success, miss, invalid_entry, timeout, circuit_open, error).");
        Duration = _meter.CreateHistogram<double>("credentialkit.shared_store.operation.duration", unit: "s",
            description: "Time of each Redis operation of the shared session store, time-box included.");
        CircuitChanges = _meter.CreateCounter<long>("credentialkit.shared_store.circuit.changes", unit: "{change}",
            description: "Circuit breaker transitions of the shared session store, by new state (open, half_open, closed).");
        _meter.CreateObservableGauge("credentialkit.shared_store.available", available, unit: "1",
            description: "1 while the shared session store answers, 0 while its circuit is open.");
    }

    public Counter<long> Operations { get; }

    public Histogram<double> Duration { get; }

    public Counter<long> CircuitChanges { get; }

    public void Record(string operation, string outcome, TimeSpan elapsed)
    {
        var op = new KeyValuePair<string, object?>("operation", operation);
        Operations.Add(1, op, new KeyValuePair<string, object?>("outcome", outcome));
        Duration.Record(elapsed.TotalSeconds, op);
    }

    public void Dispose() => _meter.Dispose();
}
