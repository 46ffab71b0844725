using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Logging;

namespace CredentialKit.Tests.Refresh;

/// <summary>Issue #9.3: the measured skew is reported as a gauge, a warning above 5 s, and in the status.</summary>
public class ClockSkewReportingTests
{
    private readonly AdversarialFixture _fixture = new();

    [Fact]
    public async Task LocalClockBehind_GaugeWarningAndStatusReportTheSkew_NoSecret()
    {
        var seen = new ConcurrentQueue<(string Name, double Value, string? Profile)>();
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
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) =>
        {
            string? profile = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "credentialkit.profile")
                {
                    profile = tag.Value as string;
                }
            }

            seen.Enqueue((i.Name, v, profile));
        });
        listener.Start();
        var profile = $"skew-{Guid.NewGuid():N}"; // other tests share the process-wide meter
        _fixture.Local.Skew = TimeSpan.FromSeconds(-42);
        await using var provider = _fixture.Create(profileName: profile);

        var credentials = await provider.GetCredentialsAsync();
        listener.RecordObservableInstruments();

        var gauge = Assert.Single(seen, m => m.Name == "credentialkit.clock_skew" && m.Profile == profile);
        Assert.InRange(gauge.Value, 41, 43);
        var lifetime = Assert.Single(seen, m => m.Name == "credentialkit.session.remaining_lifetime" && m.Profile == profile);
        Assert.InRange(lifetime.Value, 3598, 3600); // planned on STS's clock, not the 3,642 s the local clock reads
        Assert.InRange(provider.GetStatus().ClockSkew!.Value.TotalSeconds, 41, 43);
        var warning = Assert.Single(_fixture.Logs.WithEventId(31));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.DoesNotContain(credentials.SecretAccessKey, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(credentials.SessionToken, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SkewWithinThreshold_NoWarning()
    {
        _fixture.Local.Skew = TimeSpan.FromSeconds(2);
        await using var provider = _fixture.Create();

        await provider.GetCredentialsAsync();

        Assert.Empty(_fixture.Logs.WithEventId(31));
        Assert.InRange(provider.GetStatus().ClockSkew!.Value.TotalSeconds, -3, -1);
    }
}
