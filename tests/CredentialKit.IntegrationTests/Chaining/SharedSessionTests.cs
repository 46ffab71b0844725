using CredentialKit.IntegrationTests.Helpers;
using static CredentialKit.IntegrationTests.Helpers.LocalStsHarness;

namespace CredentialKit.IntegrationTests.Chaining;

/// <summary>Single-flight and session sharing, counted by LocalSts rather than by a stub.</summary>
public sealed class SharedSessionTests
{
    [Fact]
    public async Task GetCredentialsAsync_ManyConcurrentCallersOnColdChain_AssumesEachHopOnce()
    {
        await using var h = await StartAsync();
        var provider = h.CreateProvider(h.Profile(Hub(), Reports(), Warehouse()));

        var all = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => provider.GetCredentialsAsync().AsTask())))
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(all.Select(c => c.AccessKeyId).Distinct());
        Assert.Equal(
            [LocalStsDemo.HubRoleArn, LocalStsDemo.ReportsRoleArn, WarehouseRoleArn],
            h.AssumeRoleRequests().Select(e => e.Parameters["RoleArn"]));
    }

    [Fact]
    public async Task Create_TwoProfilesSharingHubOverOneCache_AssumeHubOnce()
    {
        await using var h = await StartAsync();
        using var cache = new SessionCache(new SessionCacheOptions { TimeProvider = h.Time, LoggerFactory = h.Logs, Random = () => 0.0 });
        using var reports = CredentialProvider.Create(h.Profile(Hub(), Reports()), cache, "reports");
        using var hubOnly = CredentialProvider.Create(h.Profile(Hub()), cache, "hub");

        var reportsCredentials = await reports.GetCredentialsAsync();
        var hubCredentials = await hubOnly.GetCredentialsAsync();

        Assert.Single(h.AssumeRoleRequests(LocalStsDemo.HubRoleArn));
        Assert.Equal(hubCredentials.AccessKeyId, Assert.Single(h.AssumeRoleRequests(LocalStsDemo.ReportsRoleArn)).CallerAccessKeyId);
        Assert.Equal(ReportsSessionArn, reportsCredentials.AssumedRoleArn);
    }

    [Fact]
    public async Task ForRole_DynamicRoleOnHub_IsSignedByTheHubSession()
    {
        await using var h = await StartAsync();
        var hub = h.CreateProvider(h.Profile(Hub()));

        using var reports = hub.ForRole(Reports());
        var credentials = await reports.GetCredentialsAsync();
        var hubCredentials = await hub.GetCredentialsAsync();

        var requests = h.AssumeRoleRequests();
        Assert.Equal(2, requests.Count);
        Assert.Equal(HubSessionArn, requests[1].CallerArn);
        Assert.Equal(hubCredentials.AccessKeyId, requests[1].CallerAccessKeyId);
        Assert.Equal(ReportsSessionArn, credentials.AssumedRoleArn);
    }
}
