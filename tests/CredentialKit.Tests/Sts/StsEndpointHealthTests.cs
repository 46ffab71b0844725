using System.Diagnostics.Metrics;
using CredentialKit.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CredentialKit.Tests.Sts;

/// <summary>One endpoint's health on a fake clock: cool-down, its doubling and cap, the single probe, recovery.</summary>
public sealed class StsEndpointHealthTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(ManualTimeProvider.DefaultStart);
    private readonly CapturingLoggerFactory _logs = new();
    private readonly CredentialKitTelemetry _telemetry = new(meterFactory: null);

    public void Dispose() => _telemetry.Dispose();

    [Fact]
    public void ReportFailure_WhileHealthy_MarksDownForTheCoolDownAndLogsOnce()
    {
        var health = CreateSut();
        var start = _time.GetUtcNow();

        health.ReportFailure("Timeout", wasProbe: false, "AssumeRole", "arn:aws:iam::111122223333:role/hub");
        health.ReportFailure("Timeout", wasProbe: false, "AssumeRole", "arn:aws:iam::111122223333:role/other");

        var status = Assert.IsType<StsEndpointStatus>(health.Status());
        Assert.Equal("us-east-1", status.Endpoint);
        Assert.Equal("us-east-1", status.Region);
        Assert.Equal(start, status.UnavailableSince);
        Assert.Equal(start + StsEndpointDefaults.CoolDown, status.NextProbeAt);
        Assert.Equal("Timeout", status.LastErrorCode);
        Assert.Equal(StsEndpointAdmission.Avoid, health.Admit());
        Assert.True(health.IsCoolingDown());
        var log = Assert.Single(_logs.WithEventId(28));
        Assert.Equal("us-east-1", log["Endpoint"]);
        Assert.Equal("arn:aws:iam::111122223333:role/hub", log["Subject"]);
    }

    [Fact]
    public void Admit_AfterTheCoolDown_HandsOutOneProbeAtATime()
    {
        var health = CreateSut();
        health.ReportFailure("NetworkError", wasProbe: false, "GetSessionToken", "s");

        _time.Advance(StsEndpointDefaults.CoolDown - TimeSpan.FromMilliseconds(1));
        Assert.Equal(StsEndpointAdmission.Avoid, health.Admit());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(health.IsCoolingDown());

        Assert.Equal(StsEndpointAdmission.Probe, health.Admit());
        Assert.Equal(StsEndpointAdmission.Avoid, health.Admit());
        Assert.True(health.IsCoolingDown());

        health.ReleaseProbe();
        Assert.Equal(StsEndpointAdmission.Probe, health.Admit());
    }

    [Fact]
    public void FailedProbes_DoubleTheCoolDown_UpToTheCap()
    {
        var health = CreateSut();
        var since = _time.GetUtcNow();
        health.ReportFailure("Timeout", wasProbe: false, "AssumeRole", "s");
        var expected = new List<TimeSpan>();
        var observed = new List<TimeSpan>();
        var coolDown = StsEndpointDefaults.CoolDown;
        for (var i = 0; i < 6; i++)
        {
            _time.Advance(coolDown);
            Assert.Equal(StsEndpointAdmission.Probe, health.Admit());
            health.ReportFailure("Timeout", wasProbe: true, "AssumeRole", "s");
            coolDown = coolDown * 2 < StsEndpointDefaults.MaxCoolDown ? coolDown * 2 : StsEndpointDefaults.MaxCoolDown;
            expected.Add(coolDown);
            observed.Add(health.Status()!.NextProbeAt - _time.GetUtcNow());
        }

        Assert.Equal(
            [TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(240), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5)],
            observed);
        Assert.Equal(expected, observed);
        Assert.Equal(since, health.Status()!.UnavailableSince);
        Assert.Equal(7, _logs.WithEventId(28).Count());
    }

    [Fact]
    public void ReportAnswered_AfterAProbe_RecoversAndResetsTheCoolDown()
    {
        var health = CreateSut();
        health.ReportFailure("ServiceUnavailable", wasProbe: false, "AssumeRole", "s");
        _time.Advance(StsEndpointDefaults.CoolDown);
        Assert.Equal(StsEndpointAdmission.Probe, health.Admit());
        health.ReportFailure("ServiceUnavailable", wasProbe: true, "AssumeRole", "s");
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(StsEndpointAdmission.Probe, health.Admit());

        health.ReportAnswered(wasProbe: true);

        Assert.Null(health.Status());
        Assert.False(health.IsDown);
        Assert.Equal(StsEndpointAdmission.Use, health.Admit());
        var recovered = Assert.Single(_logs.WithEventId(29));
        Assert.Equal(TimeSpan.FromSeconds(90), recovered["Downtime"]);

        // The next outage starts again from the first cool-down, not from the doubled one.
        health.ReportFailure("ServiceUnavailable", wasProbe: false, "AssumeRole", "s");
        Assert.Equal(_time.GetUtcNow() + StsEndpointDefaults.CoolDown, health.Status()!.NextProbeAt);
    }

    [Fact]
    public void ReportFailure_OfACallDuringTheCoolDown_DoesNotExtendIt()
    {
        var health = CreateSut();
        health.ReportFailure("Timeout", wasProbe: false, "AssumeRole", "s");
        var probeAt = health.Status()!.NextProbeAt;
        _time.Advance(TimeSpan.FromSeconds(10));

        health.ReportFailure("Timeout", wasProbe: false, "AssumeRole", "s");

        Assert.Equal(probeAt, health.Status()!.NextProbeAt);
        Assert.Single(_logs.WithEventId(28));
    }

    [Fact]
    public void Transitions_MoveTheUnavailableCounter_TaggedWithTheEndpoint()
    {
        var measurements = new List<(long Value, string? Endpoint, string? Region)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument, _telemetry.StsEndpointsUnavailable))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var all = tags.ToArray();
            measurements.Add((value,
                all.FirstOrDefault(t => t.Key == "credentialkit.sts.endpoint").Value as string,
                all.FirstOrDefault(t => t.Key == "cloud.region").Value as string));
        });
        listener.Start();
        var health = CreateSut();

        health.ReportFailure("Timeout", wasProbe: false, "AssumeRole", "s");
        _time.Advance(StsEndpointDefaults.CoolDown);
        Assert.Equal(StsEndpointAdmission.Probe, health.Admit());
        health.ReportFailure("Timeout", wasProbe: true, "AssumeRole", "s");
        _time.Advance(StsEndpointDefaults.CoolDown * 2);
        Assert.Equal(StsEndpointAdmission.Probe, health.Admit());
        health.ReportAnswered(wasProbe: true);

        Assert.Equal([(1L, "us-east-1", "us-east-1"), (-1L, "us-east-1", "us-east-1")], measurements);
    }

    [Fact]
    public void Registry_SameEndpointName_SharesOneHealth()
    {
        var registry = new StsEndpointHealthRegistry(_time, new StsEndpointTelemetry(_logs.CreateLogger("test"), _telemetry));
        var sts = new StsOptions { Region = "us-east-1" };
        sts.FallbackRegions.Add("us-west-2");
        var first = StsEndpointAddress.Of(sts);
        var second = StsEndpointAddress.Of(sts.Copy());

        registry.For(first[0]).ReportFailure("Timeout", wasProbe: false, "AssumeRole", "s");

        Assert.Same(registry.For(first[0]), registry.For(second[0]));
        Assert.True(registry.For(second[0]).IsDown);
        Assert.False(registry.For(second[1]).IsDown);
        Assert.Equal("us-east-1", Assert.Single(registry.UnavailableAmong(sts)).Endpoint);
    }

    [Fact]
    public void EndpointAddresses_FallbackWithServiceUrl_IsReachedThereAndSignedForItsRegion()
    {
        var sts = new StsOptions { ServiceUrl = "https://vpce-1.sts.us-east-1.vpce.amazonaws.com", AuthenticationRegion = "us-east-1" };
        sts.FallbackRegions.Add("us-west-2");
        sts.FallbackRegions.Add("eu-west-1");
        sts.FallbackServiceUrls["us-west-2"] = "https://sts-fips.us-west-2.amazonaws.com";

        var endpoints = StsEndpointAddress.Of(sts);

        Assert.Equal(["https://vpce-1.sts.us-east-1.vpce.amazonaws.com", "https://sts-fips.us-west-2.amazonaws.com", "eu-west-1"], endpoints.Select(e => e.Name));
        Assert.Equal(["us-east-1", "us-west-2", "eu-west-1"], endpoints.Select(e => e.Region));
        Assert.Equal("us-west-2", endpoints[1].ClientOptions.AuthenticationRegion);
        Assert.Null(endpoints[1].ClientOptions.Region);
        Assert.Null(endpoints[2].ClientOptions.ServiceUrl);
        Assert.Equal("eu-west-1", endpoints[2].ClientOptions.Region);
    }

    private StsEndpointHealth CreateSut() =>
        new(StsEndpointAddress.Of(new StsOptions { Region = "us-east-1" })[0], _time, new StsEndpointTelemetry(_logs.CreateLogger("test"), _telemetry));
}
