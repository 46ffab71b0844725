using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using static CredentialKit.IntegrationTests.Helpers.LocalStsHarness;

namespace CredentialKit.IntegrationTests.Sts;

/// <summary>
/// Issue #23.3: STS enforces SigV4's 15-minute window (LocalSts <see cref="LocalStsOptions.MaxRequestSkew"/>) and the
/// machine is 20 minutes off STS's clock. The first request is rejected as "Signature expired" / "not yet current";
/// CredentialKit re-signs on STS's clock at once, outside the attempt budget, so no caller sees the rejection.
/// The real SDK client against LocalSts on the machine's clock; outcomes only.
/// </summary>
public sealed class ClockSkewRetryTests
{
    [Theory]
    [InlineData(20)]
    [InlineData(-20)]
    public async Task StsTwentyMinutesOff_EnforcedWindow_NoFailedReadSkewOnStatusAndGauge(int offsetMinutes)
    {
        var options = LocalStsOptions.CreateDemo();
        options.MaxRequestSkew = TimeSpan.FromMinutes(15);
        options.SessionLifetimeOverride = TimeSpan.FromMinutes(30);
        var logs = new CapturingLoggerFactory();
        await using var server = await LocalStsServer.StartNewAsync(options, TimeProvider.System);
        server.ClockOffset = TimeSpan.FromMinutes(offsetMinutes);

        var profile = DemoProfile(server, Hub());
        profile.Refresh.MaxRetryAttempts = 0; // the re-sign must not need the attempt budget
        await using var provider = CredentialProvider.Create(profile, new SessionCacheOptions { LoggerFactory = logs }, $"skew{offsetMinutes}");

        // Ten readers at the cold start: every one gets credentials (none sees the rejection).
        var reads = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => provider.GetCredentialsAsync().AsTask()));

        Assert.All(reads, c => Assert.StartsWith("ASIA", c.AccessKeyId, StringComparison.Ordinal));
        var skewGauge = new List<double>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "CredentialKit" && instrument.Name == "credentialkit.clock_skew")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "credentialkit.profile" && (string?)tag.Value == $"skew{offsetMinutes}")
                    {
                        skewGauge.Add(value);
                    }
                }
            });
            listener.Start();
            listener.RecordObservableInstruments();
        }

        Assert.InRange(Assert.Single(skewGauge), (offsetMinutes * 60) - 6, (offsetMinutes * 60) + 6);
        var status = provider.GetStatus();
        Assert.Equal(CredentialProviderState.Fresh, status.State);
        Assert.Null(status.LastErrorCode);
        Assert.InRange(status.ClockSkew!.Value.TotalMinutes, offsetMinutes - 0.1, offsetMinutes + 0.1);
        Assert.InRange(status.RemainingLifetime!.Value.TotalMinutes, 29, 30); // planned on STS's clock

        var requests = server.Journal.Snapshot().Where(e => e.Operation == AssumeRole).ToList();
        Assert.InRange(requests.Count, 1, 2);
        Assert.Equal(LocalStsJournal.SuccessOutcome, requests[^1].Outcome);
        Assert.Contains(logs.WithEventId(31), r => r.Level == LogLevel.Warning);
    }
}
