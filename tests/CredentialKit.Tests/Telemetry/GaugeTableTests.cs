using System.Diagnostics.Metrics;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialKit.Tests.Telemetry;

/// <summary>
/// The gauges read a flat table of held sessions (issue #14): a collection allocates nothing per session, slots are reused
/// as sessions come and go, and each slot follows its session's snapshot (refresh, invalidation, release).
/// </summary>
public sealed class GaugeTableTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task Collection_WithAThousandHeldSessions_AllocatesNothingPerSession()
    {
        using var cache = new SessionCache(Options());
        await using var hub = CredentialProvider.Create(ProviderFixture.Profile(), cache, "many");
        var tenants = Enumerable.Range(0, 1000).Select(i => hub.ForRole(Tenant(i))).ToList();
        foreach (var tenant in tenants)
        {
            await tenant.GetCredentialsAsync();
        }

        var series = 0;
        using var listener = Listener((_, _) => series++);
        listener.RecordObservableInstruments(); // first collection sizes the per-profile scratch
        series = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        listener.RecordObservableInstruments();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2, series); // least lifetime and one state count, for one profile; no skew measured
        Assert.True(allocated < 4096, $"one collection over 1,001 held sessions allocated {allocated} B"); // one object per session would be 24 KB
        foreach (var tenant in tenants)
        {
            await tenant.DisposeAsync();
        }

        Assert.Equal(1, cache.Context.Telemetry.TrackedSessionCount);
    }

    [Fact]
    public async Task SlotsFollowSessions_RefreshInvalidateReleaseAndReuse()
    {
        using var cache = new SessionCache(Options());
        await using var hub = CredentialProvider.Create(ProviderFixture.Profile(), cache, "follow");
        await hub.GetCredentialsAsync();
        var first = Enumerable.Range(0, 20).Select(i => hub.ForRole(Tenant(i))).ToList();
        foreach (var tenant in first)
        {
            await tenant.GetCredentialsAsync();
        }

        Assert.Equal(new Dictionary<string, double> { ["fresh"] = 21 }, Counts());

        first[0].Invalidate();
        Assert.Equal(new Dictionary<string, double> { ["fresh"] = 20, ["no_credentials"] = 1 }, Counts());

        foreach (var tenant in first.Skip(10))
        {
            await tenant.DisposeAsync();
        }

        Assert.Equal(11, cache.Context.Telemetry.TrackedSessionCount);
        _fixture.Time.Advance(TimeSpan.FromMinutes(30));
        var second = Enumerable.Range(100, 10).Select(i => hub.ForRole(Tenant(i))).ToList(); // reuse the 10 freed slots
        foreach (var tenant in second)
        {
            await tenant.GetCredentialsAsync();
        }

        Assert.Equal(21, cache.Context.Telemetry.TrackedSessionCount);
        Assert.Equal(new Dictionary<string, double> { ["fresh"] = 20, ["no_credentials"] = 1 }, Counts());
        Assert.Equal(1800, Lifetimes().Single()); // the hub and the first tenants, 30 minutes older than the new ones

        await first[0].GetCredentialsAsync(); // refreshed after the invalidation
        Assert.Equal(new Dictionary<string, double> { ["fresh"] = 21 }, Counts());

        foreach (var tenant in first.Take(10).Concat(second))
        {
            await tenant.DisposeAsync();
        }

        Assert.Equal(new Dictionary<string, double> { ["fresh"] = 1 }, Counts());
    }

    public void Dispose() => _services.Dispose();

    private SessionCacheOptions Options()
    {
        var options = _fixture.CacheOptions(sizeLimit: 4096);
        options.MeterFactory = _services.GetRequiredService<IMeterFactory>();
        return options;
    }

    private Dictionary<string, double> Counts() => Observe("credentialkit.session.count")
        .ToDictionary(m => (string)m.Tags.Single(t => t.Key == "credentialkit.state").Value!, m => m.Value);

    private List<double> Lifetimes() => [.. Observe("credentialkit.session.remaining_lifetime").Select(m => m.Value)];

    private List<(double Value, KeyValuePair<string, object?>[] Tags)> Observe(string name)
    {
        var seen = new List<(double, KeyValuePair<string, object?>[])>();
        using var listener = Listener((instrument, measurement) =>
        {
            if (instrument.Name == name)
            {
                seen.Add(measurement);
            }
        });
        listener.RecordObservableInstruments();
        return seen;
    }

    private MeterListener Listener(Action<Instrument, (double, KeyValuePair<string, object?>[])> onMeasurement)
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == CredentialKitTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => onMeasurement(i, (v, tags.ToArray())));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => onMeasurement(i, (v, tags.ToArray())));
        listener.Start();
        return listener;
    }

    private static AssumeRoleOptions Tenant(int i) => new() { RoleArn = $"arn:aws:iam::444455556666:role/tenant-{i}", RoleSessionName = "tenant" };
}
