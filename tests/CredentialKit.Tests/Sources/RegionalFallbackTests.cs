using System.Net;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Sources;

public sealed class RegionalFallbackTests : IDisposable
{
    private readonly SourceFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task PrimaryRegionOutage_AfterItsRetries_MovesToTheNextRegionAndReportsIt()
    {
        var options = _fixture.SessionToken();
        options.Sts.Region = "us-east-1";
        options.Sts.FallbackRegions.Add("us-west-2");
        options.Sts.FallbackRegions.Add("eu-west-1");
        options.Refresh.MaxRetryAttempts = 2;
        _fixture.Provider.Sts.EndpointFault = sts => sts.Region == "us-east-1"
            ? StsStub.Error("ServiceUnavailable", HttpStatusCode.ServiceUnavailable)
            : null;
        await using var provider = _fixture.Create(options);

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal("us-west-2", credentials.Region);
        var calls = _fixture.Provider.Sts.SourceCalls;
        Assert.Equal(["us-east-1", "us-east-1", "us-east-1", "us-west-2"], calls.Select(c => c.Options.Region));
        Assert.Null(calls[^1].Options.ServiceUrl);
        Assert.Single(_fixture.Provider.Logs.WithEventId(20));
        Assert.Equal("us-west-2", Assert.Single(_fixture.Provider.Logs.WithEventId(21))["Region"]);
    }

    [Fact]
    public async Task RegionDisabled_MovesOnAtOnce()
    {
        var options = _fixture.SessionToken(ProviderFixture.HubArn);
        options.Sts.Region = "ap-east-1";
        options.Sts.FallbackRegions.Add("ap-southeast-1");
        _fixture.Provider.Sts.EndpointFault = sts => sts.Region == "ap-east-1"
            ? StsStub.Error("RegionDisabledException", HttpStatusCode.Forbidden)
            : null;
        await using var provider = _fixture.Create(options);

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal("ap-southeast-1", credentials.Region);
        Assert.Equal(["ap-east-1", "ap-southeast-1"], _fixture.Provider.Sts.SourceCalls.Select(c => c.Options.Region));
    }

    [Fact]
    public async Task NonTransientError_DoesNotFallBack()
    {
        var options = _fixture.SessionToken();
        options.Sts.Region = "us-east-1";
        options.Sts.FallbackRegions.Add("us-west-2");
        _fixture.Provider.Sts.EnqueueSourceError("AccessDenied", HttpStatusCode.Forbidden);
        await using var provider = _fixture.Create(options);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.Single(_fixture.Provider.Sts.SourceCalls);
    }

    [Fact]
    public async Task NextRefresh_StartsAgainAtThePrimaryRegion()
    {
        var options = _fixture.SessionToken();
        options.Source.Duration = TimeSpan.FromHours(1);
        options.Sts.Region = "us-east-1";
        options.Sts.FallbackRegions.Add("us-west-2");
        options.Refresh.MaxRetryAttempts = 0;
        var outage = true;
        _fixture.Provider.Sts.EndpointFault = sts => outage && sts.Region == "us-east-1" ? StsStub.Error("InternalFailure", HttpStatusCode.InternalServerError) : null;
        await using var provider = _fixture.Create(options);
        Assert.Equal("us-west-2", (await provider.GetCredentialsAsync()).Region);

        outage = false;
        _fixture.PastUsable();
        Assert.Equal("us-east-1", (await provider.GetCredentialsAsync()).Region);
    }

    [Fact]
    public async Task AssumeRoleHop_FallsBackToo()
    {
        var options = ProviderFixture.Profile();
        options.Sts.Region = "eu-central-1";
        options.Sts.FallbackRegions.Add("eu-west-1");
        options.Refresh.MaxRetryAttempts = 0;
        _fixture.Provider.Sts.EndpointFault = sts => sts.Region == "eu-central-1" ? new HttpRequestException("connection refused") : null;
        await using var provider = _fixture.Create(options);

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal("eu-west-1", credentials.Region);
        Assert.Equal(["eu-central-1", "eu-west-1"], _fixture.Provider.Sts.ClientOptions.Select(o => o.Region));
    }
}
