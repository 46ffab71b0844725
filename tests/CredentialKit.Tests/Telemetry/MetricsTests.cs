using System.Diagnostics.Metrics;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace CredentialKit.Tests.Telemetry;

/// <summary>
/// CredentialKit's instruments, read with <c>Microsoft.Extensions.Diagnostics.Testing</c>'s <see cref="MetricCollector{T}"/>
/// over a meter factory of the test's own, so measurements of tests running in parallel never mix.
/// </summary>
public sealed class MetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ProviderFixture _fixture = new();

    private IMeterFactory MeterFactory => _services.GetRequiredService<IMeterFactory>();

    [Fact]
    public async Task Refresh_RecordsCountDurationStsRequestsAndRemainingLifetime()
    {
        using var refreshes = Collect<long>("credentialkit.refresh.count");
        using var durations = Collect<double>("credentialkit.refresh.duration");
        using var requests = Collect<long>("credentialkit.sts.requests");
        using var remaining = Collect<double>("credentialkit.session.remaining_lifetime");
        await using var provider = CreateProvider();
        _fixture.Sts.EnqueueError("Throttling");

        await provider.GetCredentialsAsync();
        remaining.RecordObservableInstruments();

        var refresh = Assert.Single(refreshes.GetMeasurementSnapshot());
        Assert.Equal(1, refresh.Value);
        Assert.Equal("success", refresh.Tags["credentialkit.outcome"]);
        Assert.Equal("Initial", refresh.Tags["credentialkit.trigger"]);
        Assert.Equal("metrics", refresh.Tags["credentialkit.profile"]);
        Assert.Single(durations.GetMeasurementSnapshot());
        Assert.Equal(3600, Assert.Single(remaining.GetMeasurementSnapshot()).Value);
        Assert.Equal(["Throttling", "success"], requests.GetMeasurementSnapshot().Select(m => (string)m.Tags["credentialkit.outcome"]!));
        Assert.All(requests.GetMeasurementSnapshot(), m => Assert.Equal("AssumeRole", m.Tags["rpc.method"]));
    }

    [Fact]
    public async Task RefreshDuration_Histogram_CarriesExplicitBucketAdviceInSecondsOnNet9AndLater()
    {
        using var durations = Collect<double>("credentialkit.refresh.duration");
        await using var provider = CreateProvider();

        await provider.GetCredentialsAsync();

        var histogram = Assert.IsType<Histogram<double>>(durations.Instrument);
        Assert.Equal("s", histogram.Unit);
#if NET9_0_OR_GREATER
        Assert.Equal(
            [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
            histogram.Advice?.HistogramBucketBoundaries);
#else
        Assert.Null(histogram.Advice); // the library's net8.0 build: .NET 8's DiagnosticSource has no advice API
#endif
        Assert.InRange(Assert.Single(durations.GetMeasurementSnapshot()).Value, 0, 120);
    }

    [Fact]
    public async Task FailedRefresh_CountsTheFailureWithItsErrorCode()
    {
        using var refreshes = Collect<long>("credentialkit.refresh.count");
        using var requests = Collect<long>("credentialkit.sts.requests");
        await using var provider = CreateProvider();
        _fixture.Sts.EnqueueError("AccessDenied", System.Net.HttpStatusCode.Forbidden, "not authorized");

        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("failure", Assert.Single(refreshes.GetMeasurementSnapshot()).Tags["credentialkit.outcome"]);
        Assert.Equal("AccessDenied", Assert.Single(requests.GetMeasurementSnapshot()).Tags["credentialkit.outcome"]);
    }

    public void Dispose() => _services.Dispose();

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(MeterFactory, CredentialKitTelemetry.Name, instrument);

    private ICredentialProvider CreateProvider()
    {
        var cacheOptions = _fixture.CacheOptions();
        cacheOptions.MeterFactory = MeterFactory;
        return CredentialProvider.Create(ProviderFixture.Profile(), cacheOptions, "metrics");
    }
}
