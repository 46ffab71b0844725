using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Telemetry;

public class MetricsTests
{
    [Fact]
    public async Task Refresh_RecordsCountDurationStsRequestsAndRemainingLifetime()
    {
        var fixture = new ProviderFixture();
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
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => seen.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => seen.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.Start();
        var profile = $"metrics-{Guid.NewGuid():N}"; // other tests use the same process-wide meter
        await using var provider = fixture.Create(profileName: profile);
        fixture.Sts.EnqueueError("Throttling");

        await provider.GetCredentialsAsync();
        listener.RecordObservableInstruments();

        var mine = seen.Where(m => Equals(m.Tags.GetValueOrDefault("credentialkit.profile"), profile)).ToList();
        var refresh = Assert.Single(mine, m => m.Name == "credentialkit.refresh.count");
        Assert.Equal("success", refresh.Tags["credentialkit.outcome"]);
        Assert.Equal("Initial", refresh.Tags["credentialkit.trigger"]);
        Assert.Single(mine, m => m.Name == "credentialkit.refresh.duration");
        var gauge = Assert.Single(mine, m => m.Name == "credentialkit.session.remaining_lifetime");
        Assert.Equal(3600, gauge.Value);
        var requests = seen.Where(m => m.Name == "credentialkit.sts.requests").Select(m => (string)m.Tags["credentialkit.outcome"]!).ToList();
        Assert.Contains("Throttling", requests);
        Assert.Contains("success", requests);
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
