using System.Diagnostics.Metrics;

namespace CredentialKit;

/// <summary>
/// The core's <c>credentialkit.shared_store.*</c> instruments, on the <c>CredentialKit</c> meter: what the shared store
/// saved (sessions adopted) and what it cost (store failures). Tags are outcomes, operations and exception type names.
/// </summary>
internal sealed class SharedSessionTelemetry : IDisposable
{
    private readonly Meter _meter;

    public SharedSessionTelemetry(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(CredentialKitTelemetry.Name) ?? new Meter(CredentialKitTelemetry.Name);
        Refreshes = _meter.CreateCounter<long>("credentialkit.shared_store.refreshes", unit: "{refresh}",
            description: "Refreshes of shared hops, by outcome (adopted, adopted_after_wait, fetched_and_shared, fetched_not_shared, fetched_after_wait, store_unavailable).");
        Failures = _meter.CreateCounter<long>("credentialkit.shared_store.failures", unit: "{failure}",
            description: "Shared store calls that failed or timed out on the refresh path, by operation and error type.");
    }

    public Counter<long> Refreshes { get; }

    public Counter<long> Failures { get; }

    public static string TagOf(SharedRefreshOutcome outcome) => outcome switch
    {
        SharedRefreshOutcome.Adopted => "adopted",
        SharedRefreshOutcome.AdoptedAfterWait => "adopted_after_wait",
        SharedRefreshOutcome.FetchedAndShared => "fetched_and_shared",
        SharedRefreshOutcome.FetchedNotShared => "fetched_not_shared",
        SharedRefreshOutcome.FetchedAfterWait => "fetched_after_wait",
        _ => "store_unavailable",
    };

    public void Dispose() => _meter.Dispose();
}
