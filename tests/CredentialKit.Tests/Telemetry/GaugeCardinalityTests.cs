using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Telemetry;

/// <summary>By default the gauges report one series per profile, however many tenants it has; per-role series are opt-in.</summary>
public class GaugeCardinalityTests
{
    private readonly ProviderFixture _fixture = new();
    private readonly string _profile = $"cardinality-{Guid.NewGuid():N}"; // other tests share the process-wide meter

    [Fact]
    public async Task ManyTenants_ByDefault_OneLifetimeSeriesPerProfileWithTheLeastAndCountsPerState()
    {
        var options = _fixture.CacheOptions();
        options.StsRequestsPerSecond = 0; // 51 STS calls on a clock that does not move: no pacing here
        using var cache = new SessionCache(options);
        await using var hub = CredentialProvider.Create(ProviderFixture.Profile(), cache, _profile);
        await hub.GetCredentialsAsync();
        _fixture.Time.Advance(TimeSpan.FromMinutes(10)); // the hub is now 10 minutes older than the tenants
        var tenants = Enumerable.Range(0, 50).Select(i => hub.ForRole(Tenant(i))).ToList();
        foreach (var tenant in tenants)
        {
            await tenant.GetCredentialsAsync();
        }

        var seen = Observe();

        var lifetime = Assert.Single(seen, m => m.Name == "credentialkit.session.remaining_lifetime");
        Assert.Equal(3000, lifetime.Value); // the hub's 50 minutes, the least of 51 sessions
        Assert.False(lifetime.Tags.ContainsKey("credentialkit.role_arn"));
        var count = Assert.Single(seen, m => m.Name == "credentialkit.session.count");
        Assert.Equal(51, count.Value);
        Assert.Equal("fresh", count.Tags["credentialkit.state"]);

        _fixture.Time.Advance(TimeSpan.FromMinutes(49.5)); // the hub below its 1-minute minimum, the tenants not yet
        var later = Observe().Where(m => m.Name == "credentialkit.session.count").ToDictionary(m => (string)m.Tags["credentialkit.state"]!, m => m.Value);
        Assert.Equal(1, later["below_minimum_lifetime"]);
        Assert.Equal(50, later["fresh"]);
        foreach (var tenant in tenants)
        {
            await tenant.DisposeAsync();
        }

        Assert.Equal(1, Observe().Single(m => m.Name == "credentialkit.session.count").Value);
    }

    [Fact]
    public async Task PerRoleMetrics_On_OneSeriesPerHeldSessionTaggedWithItsRole()
    {
        var options = _fixture.CacheOptions();
        options.PerRoleMetrics = true;
        using var cache = new SessionCache(options);
        await using var hub = CredentialProvider.Create(ProviderFixture.Profile(), cache, _profile);
        await using var tenant = hub.ForRole(Tenant(1));
        await tenant.GetCredentialsAsync();

        var lifetimes = Observe().Where(m => m.Name == "credentialkit.session.remaining_lifetime").ToList();

        Assert.Equal(2, lifetimes.Count);
        Assert.Equal([ProviderFixture.HubArn, Tenant(1).RoleArn], lifetimes.Select(m => (string)m.Tags["credentialkit.role_arn"]!).Order());
    }

    private static AssumeRoleOptions Tenant(int i) => new() { RoleArn = $"arn:aws:iam::444455556666:role/tenant-{i}", RoleSessionName = "tenant" };

    private List<(string Name, double Value, Dictionary<string, object?> Tags)> Observe()
    {
        var seen = new ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "CredentialKit")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => seen.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => seen.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.Start();
        listener.RecordObservableInstruments();
        return [.. seen.Where(m => Equals(m.Tags.GetValueOrDefault("credentialkit.profile"), _profile))];
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }
}
