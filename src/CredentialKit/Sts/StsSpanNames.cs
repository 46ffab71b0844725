using System.Collections.Concurrent;

namespace CredentialKit;

/// <summary>
/// The span name of each STS operation, OpenTelemetry's RPC naming for AWS (<c>{rpc.service}/{rpc.method}</c>, so
/// <c>STS/AssumeRole</c>), built once per operation instead of once per attempt.
/// </summary>
internal static class StsSpanNames
{
    // A handful of operations, each a constant in its fetcher: the map stays tiny.
    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);

    /// <summary>Gets the span name for <paramref name="operation"/>.</summary>
    public static string For(string operation) =>
        Names.TryGetValue(operation, out var name) ? name : Names.GetOrAdd(operation, static op => "STS/" + op);
}
