using System.Net;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Sources;

/// <summary>
/// Issue #21.3: once a refresh finds the primary endpoint failing, later refreshes of every provider of the cache go to
/// the healthy endpoint first for the cool-down, then one refresh probes the primary with one short attempt.
/// </summary>
public sealed class StickyFallbackTests : IDisposable
{
    private const string Primary = "us-east-1";
    private const string Fallback = "us-west-2";

    private readonly SourceFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private StsStub Sts => _fixture.Provider.Sts;

    [Fact]
    public async Task PrimaryFailing_LaterRefreshesInTheCoolDown_CostOneFallbackCallEach()
    {
        var options = Options(maxRetryAttempts: 2);
        Sts.EndpointFault = sts => sts.Region == Primary ? StsStub.Error("ServiceUnavailable", HttpStatusCode.ServiceUnavailable) : null;
        await using var provider = _fixture.Create(options);
        var start = _fixture.Provider.Time.GetUtcNow();

        Assert.Equal(Fallback, (await provider.GetCredentialsAsync()).Region);
        Assert.Equal([Primary, Primary, Primary, Fallback], Sts.EndpointCalls);

        for (var i = 0; i < 5; i++)
        {
            _fixture.Provider.Time.Advance(TimeSpan.FromSeconds(5));
            provider.Invalidate();
            Assert.Equal(Fallback, (await provider.GetCredentialsAsync()).Region);
        }

        Assert.Equal([Primary, Primary, Primary, .. Enumerable.Repeat(Fallback, 6)], Sts.EndpointCalls);
        var status = provider.GetStatus();
        Assert.Equal(CredentialProviderState.Fresh, status.State);
        var down = Assert.Single(status.UnavailableEndpoints);
        Assert.Equal(Primary, down.Endpoint);
        Assert.Equal(start, down.UnavailableSince);
        Assert.Equal(start + StsEndpointDefaults.CoolDown, down.NextProbeAt);
        Assert.Equal("ServiceUnavailable", down.LastErrorCode);
        Assert.Single(_fixture.Provider.Logs.WithEventId(28));
        Assert.Single(_fixture.Provider.Logs.WithEventId(20));
        Assert.Single(_fixture.Provider.Logs.WithEventId(21));
    }

    [Fact]
    public async Task CoolDownOver_PrimaryStillFailing_ProbesWithOneAttemptAndDoublesTheCoolDown()
    {
        var options = Options(maxRetryAttempts: 2);
        Sts.EndpointFault = sts => sts.Region == Primary ? StsStub.Error("InternalFailure", HttpStatusCode.InternalServerError) : null;
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();

        _fixture.Provider.Time.Advance(StsEndpointDefaults.CoolDown);
        provider.Invalidate();
        Assert.Equal(Fallback, (await provider.GetCredentialsAsync()).Region);

        Assert.Equal([Primary, Primary, Primary, Fallback, Primary, Fallback], Sts.EndpointCalls);
        var down = Assert.Single(provider.GetStatus().UnavailableEndpoints);
        Assert.Equal(_fixture.Provider.Time.GetUtcNow() + (StsEndpointDefaults.CoolDown * 2), down.NextProbeAt);
    }

    [Fact]
    public async Task CoolDownOver_PrimaryBlackHoled_TheProbeTimesOutAfterOneSecondAndTheFallbackServes()
    {
        var options = Options(maxRetryAttempts: 0);
        Sts.EndpointFault = sts => sts.Region == Primary ? new HttpRequestException("connection refused") : null;
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();
        Sts.EndpointFault = null;
        Sts.EndpointBlackHole = sts => sts.Region == Primary;
        _fixture.Provider.Time.Advance(StsEndpointDefaults.CoolDown);
        provider.Invalidate();

        var refresh = provider.GetCredentialsAsync().AsTask();
        await Eventually.WaitAsync(() => _fixture.Provider.Time.NextTimerDueIn == StsEndpointDefaults.ProbeTimeout, "the probe's one-second timeout");
        _fixture.Provider.Time.Advance(StsEndpointDefaults.ProbeTimeout);

        Assert.Equal(Fallback, (await refresh).Region);
        Assert.Equal([Primary, Fallback, Primary, Fallback], Sts.EndpointCalls);
        Assert.Equal("Timeout", Assert.Single(provider.GetStatus().UnavailableEndpoints).LastErrorCode);
    }

    [Fact]
    public async Task CoolDownOver_PrimaryBack_TheProbeServesAndTrafficReturns()
    {
        var options = Options(maxRetryAttempts: 1);
        var outage = true;
        Sts.EndpointFault = sts => outage && sts.Region == Primary ? StsStub.Error("ServiceUnavailable", HttpStatusCode.ServiceUnavailable) : null;
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();

        outage = false;
        _fixture.Provider.Time.Advance(StsEndpointDefaults.CoolDown);
        provider.Invalidate();
        Assert.Equal(Primary, (await provider.GetCredentialsAsync()).Region);
        _fixture.Provider.Time.Advance(TimeSpan.FromSeconds(2));
        provider.Invalidate();
        Assert.Equal(Primary, (await provider.GetCredentialsAsync()).Region);

        Assert.Equal([Primary, Primary, Fallback, Primary, Primary], Sts.EndpointCalls);
        Assert.Empty(provider.GetStatus().UnavailableEndpoints);
        Assert.Equal(Primary, Assert.Single(_fixture.Provider.Logs.WithEventId(29))["Endpoint"]);
    }

    [Fact]
    public async Task RegionDisabled_MarksThePrimaryDown()
    {
        var options = Options(maxRetryAttempts: 2);
        Sts.EndpointFault = sts => sts.Region == Primary ? StsStub.Error("RegionDisabledException", HttpStatusCode.Forbidden) : null;
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();
        _fixture.Provider.Time.Advance(TimeSpan.FromSeconds(5));
        provider.Invalidate();
        await provider.GetCredentialsAsync();

        Assert.Equal([Primary, Fallback, Fallback], Sts.EndpointCalls);
        Assert.Equal("RegionDisabledException", Assert.Single(provider.GetStatus().UnavailableEndpoints).LastErrorCode);
    }

    [Theory]
    [InlineData("AccessDenied", HttpStatusCode.Forbidden)]
    [InlineData("ValidationError", HttpStatusCode.BadRequest)]
    [InlineData("InvalidClientTokenId", HttpStatusCode.Forbidden)]
    public async Task NonTransientError_DoesNotMarkThePrimaryDown(string code, HttpStatusCode status)
    {
        var options = Options(maxRetryAttempts: 2);
        Sts.EndpointFault = sts => sts.Region == Primary ? StsStub.Error(code, status) : null;
        await using var provider = _fixture.Create(options);
        Assert.Equal(code, (await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask())).ErrorCode);

        Sts.EndpointFault = null;
        _fixture.Provider.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(provider.GetStatus().UnavailableEndpoints);
        Assert.Equal(Primary, (await provider.GetCredentialsAsync()).Region);
        Assert.Equal([Primary, Primary], Sts.EndpointCalls);
        Assert.Empty(_fixture.Provider.Logs.WithEventId(28));
    }

    [Fact]
    public async Task ColdTwoHopChain_PrimaryFailing_PaysTheDetectionOnce()
    {
        var options = ProviderFixture.Profile(ProviderFixture.HubArn, ProviderFixture.ReportsArn);
        options.Sts.Region = Primary;
        options.Sts.FallbackRegions.Add(Fallback);
        options.Refresh.MaxRetryAttempts = 3;
        Sts.EndpointFault = sts => sts.Region == Primary ? StsStub.Error("ServiceUnavailable", HttpStatusCode.ServiceUnavailable) : null;
        await using var provider = _fixture.Create(options);

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal(Fallback, credentials.Region);
        Assert.Equal([Primary, Primary, Primary, Primary, Fallback, Fallback], Sts.EndpointCalls);
        Assert.Equal(
            [ProviderFixture.HubArn, ProviderFixture.ReportsArn],
            Sts.Calls.Select(c => c.Request.RoleArn));
        Assert.Equal(Primary, Assert.Single(provider.GetStatus().UnavailableEndpoints).Endpoint);
    }

    [Fact]
    public async Task OtherProvidersOfTheCache_ShareTheHealth()
    {
        var options = ProviderFixture.Profile();
        options.Sts.Region = Primary;
        options.Sts.FallbackRegions.Add(Fallback);
        options.Refresh.MaxRetryAttempts = 1;
        Sts.EndpointFault = sts => sts.Region == Primary ? new HttpRequestException("connection refused") : null;
        await using var hub = _fixture.Create(options);
        await hub.GetCredentialsAsync();

        using var tenantA = hub.ForRole(new AssumeRoleOptions { RoleArn = ProviderFixture.ReportsArn, RoleSessionName = "tenant-a" });
        using var tenantB = hub.ForRole(new AssumeRoleOptions { RoleArn = ProviderFixture.BillingArn, RoleSessionName = "tenant-b" });
        await tenantA.GetCredentialsAsync();
        await tenantB.GetCredentialsAsync();

        Assert.Equal([Primary, Primary, Fallback, Fallback, Fallback], Sts.EndpointCalls);
        Assert.Equal(Primary, Assert.Single(tenantB.GetStatus().UnavailableEndpoints).Endpoint);
    }

    [Fact]
    public async Task EveryEndpointFailing_AvoidedOnesGetOneShortAttemptEach()
    {
        var options = Options(maxRetryAttempts: 2);
        Sts.EndpointFault = _ => StsStub.Error("ServiceUnavailable", HttpStatusCode.ServiceUnavailable);
        await using var provider = _fixture.Create(options);
        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());
        Assert.Equal([Primary, Primary, Primary, Fallback, Fallback, Fallback], Sts.EndpointCalls);
        Assert.Equal([Primary, Fallback], provider.GetStatus().UnavailableEndpoints.Select(e => e.Endpoint));

        // Both avoided: one attempt each, so the failure is quick; the first that answers recovers.
        Sts.EndpointFault = sts => sts.Region == Primary ? StsStub.Error("ServiceUnavailable", HttpStatusCode.ServiceUnavailable) : null;
        _fixture.Provider.Time.Advance(TimeSpan.FromMinutes(1));
        _fixture.Provider.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Fallback, (await provider.GetCredentialsAsync()).Region);
        Assert.Equal(Primary, Assert.Single(provider.GetStatus().UnavailableEndpoints).Endpoint);
    }

    [Fact]
    public async Task SingleEndpoint_KeepsNoHealth_AndRunsItsFullPipelineEachTime()
    {
        var options = _fixture.SessionToken();
        options.Sts.Region = Primary;
        options.Refresh.MaxRetryAttempts = 1;
        Sts.EndpointFault = _ => StsStub.Error("ServiceUnavailable", HttpStatusCode.ServiceUnavailable);
        await using var provider = _fixture.Create(options);

        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());
        _fixture.Provider.Time.Advance(TimeSpan.FromMinutes(1));
        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal([Primary, Primary, Primary, Primary], Sts.EndpointCalls);
        Assert.Empty(provider.GetStatus().UnavailableEndpoints);
    }

    private CredentialKitProfileOptions Options(int maxRetryAttempts)
    {
        var options = _fixture.SessionToken();
        options.Sts.Region = Primary;
        options.Sts.FallbackRegions.Add(Fallback);
        options.Refresh.MaxRetryAttempts = maxRetryAttempts;
        return options;
    }
}
