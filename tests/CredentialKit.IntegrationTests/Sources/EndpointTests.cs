using Amazon.Runtime;
using Amazon.SecurityToken;
using CredentialKit.IntegrationTests.Helpers;

namespace CredentialKit.IntegrationTests.Sources;

/// <summary>
/// Regional fallback with two LocalSts servers standing in for two regions: the client factory points each region's
/// client at one server, as DNS would point <c>sts.{region}.amazonaws.com</c> at a region.
/// </summary>
public sealed class EndpointTests
{
    [Fact]
    public async Task FallbackRegions_PrimaryRegionOutage_NextRegionServesTheSessionAndIsReported()
    {
        await using var h = await LocalStsHarness.StartAsync();
        var westOptions = LocalStsOptions.CreateDemo();
        westOptions.MaxRequestSkew = null; // on the manual clock, like the harness's server
        await using var west = await LocalStsServer.StartNewAsync(westOptions, h.Time, h.Logs);
        var factory = new RegionRoutingFactory(new() { ["us-east-1"] = h.Server.Endpoint, ["us-west-2"] = west.Endpoint });
        var options = h.Profile();
        options.Roles.Clear();
        options.Sts.ServiceUrl = null;
        options.Sts.AuthenticationRegion = null;
        options.Sts.Region = "us-east-1";
        options.Sts.FallbackRegions.Add("us-west-2");
        options.Source.Type = SourceCredentialsType.SessionToken;
        options.Refresh.MaxRetryAttempts = 1;
        h.Server.Faults.StartOutage(LocalStsFault.ServiceUnavailable());
        using var provider = CredentialProvider.Create(
            options, new SessionCacheOptions { TimeProvider = h.Time, LoggerFactory = h.Logs, Random = () => 0.0, StsClientFactory = factory }, "fallback");

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal("us-west-2", credentials.Region);
        Assert.Equal(2, h.Server.Journal.Snapshot().Count(e => e.Operation == "GetSessionToken")); // first attempt and one retry
        var served = Assert.Single(west.Journal.Snapshot(), e => e.Operation == "GetSessionToken");
        Assert.True(served.Succeeded, served.Outcome);
        Assert.Equal(served.IssuedAccessKeyId, credentials.AccessKeyId);
        Assert.Equal("us-west-2", Assert.Single(h.ProviderLogs(21))["Region"]);

        // Once the primary is back, the next refresh is served there again.
        h.Server.Faults.EndOutage();
        h.Time.Advance(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(30));
        Assert.Equal("us-east-1", (await provider.GetCredentialsAsync()).Region);
    }

    /// <summary>Points each region's client at a server; signs for that region, as the regional endpoint would.</summary>
    private sealed class RegionRoutingFactory(Dictionary<string, Uri> endpoints) : IStsClientFactory
    {
        public IAmazonSecurityTokenService CreateClient(AWSCredentials credentials, StsOptions options) =>
            new AmazonSecurityTokenServiceClient(credentials, new AmazonSecurityTokenServiceConfig
            {
                ServiceURL = endpoints[options.Region!].ToString(),
                AuthenticationRegion = options.Region,
                MaxErrorRetry = 0,
            });
    }
}

/// <summary>Runs alone: it sets a process-wide environment variable that every SDK client without a ServiceURL would read.</summary>
[CollectionDefinition(nameof(ProcessEnvironmentCollection), DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;

/// <summary><c>AWS_ENDPOINT_URL_STS</c> is honoured by the SDK configuration when <see cref="StsOptions.ServiceUrl"/> is unset.</summary>
[Collection(nameof(ProcessEnvironmentCollection))]
public sealed class EndpointEnvironmentTests
{
    [Fact]
    public async Task AwsEndpointUrlSts_WithOnlyRegionConfigured_RoutesTheRealClientToIt()
    {
        await using var h = await LocalStsHarness.StartAsync();
        var options = h.Profile(LocalStsHarness.Hub());
        options.Sts.ServiceUrl = null;
        options.Sts.AuthenticationRegion = null;
        options.Sts.Region = "eu-west-1";
        var previous = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_STS");
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_STS", h.Server.Endpoint.ToString());
        try
        {
            var provider = h.CreateProvider(options);

            var credentials = await provider.GetCredentialsAsync();

            var call = Assert.Single(h.AssumeRoleRequests());
            Assert.True(call.Succeeded, call.Outcome);
            Assert.Equal(call.IssuedAccessKeyId, credentials.AccessKeyId);
            Assert.Equal("eu-west-1", credentials.Region);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_STS", previous);
        }
    }
}
