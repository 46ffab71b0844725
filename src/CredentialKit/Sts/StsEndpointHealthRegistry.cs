using System.Collections.Concurrent;

namespace CredentialKit;

/// <summary>
/// The health of every STS endpoint one <see cref="SessionCache"/> calls, by endpoint name: every provider, hop and
/// source of the cache that reaches an endpoint shares its <see cref="StsEndpointHealth"/>.
/// </summary>
internal sealed class StsEndpointHealthRegistry(TimeProvider time, StsEndpointTelemetry telemetry)
{
    private readonly ConcurrentDictionary<string, StsEndpointHealth> _endpoints = new(StringComparer.Ordinal);

    /// <summary>The health of <paramref name="address"/>'s endpoint, created on first use.</summary>
    public StsEndpointHealth For(StsEndpointAddress address) =>
        _endpoints.TryGetValue(address.Name, out var health)
            ? health
            : _endpoints.GetOrAdd(address.Name, static (_, state) => new StsEndpointHealth(state.Address, state.Time, state.Telemetry), (Address: address, Time: time, Telemetry: telemetry));

    /// <summary>The endpoints of <paramref name="sts"/> that are down now, in the order they are tried.</summary>
    public IReadOnlyList<StsEndpointStatus> UnavailableAmong(StsOptions sts)
    {
        if (sts.FallbackRegions.Count == 0 || _endpoints.IsEmpty)
        {
            // One endpoint has nothing to fall back to, and so no health is kept for it.
            return [];
        }

        List<StsEndpointStatus>? down = null;
        foreach (var address in StsEndpointAddress.Of(sts))
        {
            if (_endpoints.TryGetValue(address.Name, out var health) && health.Status() is { } status)
            {
                (down ??= []).Add(status);
            }
        }

        return down is null ? [] : down;
    }
}
