using Amazon.SecurityToken.Model;
using CredentialKit.IntegrationTests.Helpers;
using static CredentialKit.IntegrationTests.Helpers.LocalStsHarness;

namespace CredentialKit.IntegrationTests.Refresh;

/// <summary>Refresh-ahead, invalidation and expired parents, with the provider and LocalSts on one manual clock.</summary>
public sealed class RefreshTests
{
    // A 1-hour session with no jitter is refreshed 15 minutes (25 %) before it expires.
    private static readonly TimeSpan RefreshAt = TimeSpan.FromMinutes(45);

    [Fact]
    public async Task BackgroundRefresh_ClockReachesRefreshWindow_IssuesNewSessionBeforeExpiry()
    {
        await using var h = await StartAsync();
        var provider = h.CreateProvider(h.Profile(Hub()));
        var first = await provider.GetCredentialsAsync();

        h.Time.Advance(RefreshAt);
        await WhenIdleAsync(provider);
        var second = await provider.GetCredentialsAsync();

        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        Assert.Equal(2, h.AssumeRoleRequests().Count);
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromHours(1), second.Expiration);

        // The old session was replaced while it was still valid: nobody was handed a session about to die.
        Assert.True(h.Server.GetSession(first.AccessKeyId)!.Expiration > h.Time.GetUtcNow());
        Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
    }

    [Fact]
    public async Task ToAwsCredentials_SessionRefreshedAhead_SdkClientBuiltOnceSignsWithNewSession()
    {
        await using var h = await StartAsync();
        var options = h.Profile(Hub());
        options.Refresh.BackgroundRefresh = false;
        var provider = h.CreateProvider(options);
        var sts = h.CreateSdkClient(provider.ToAwsCredentials());

        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var first = await provider.GetCredentialsAsync();

        // Inside the window the caller is served the current session and one refresh starts behind it.
        h.Time.Advance(RefreshAt + TimeSpan.FromMinutes(1));
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        await WhenIdleAsync(provider);
        var second = await provider.GetCredentialsAsync();
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        Assert.Equal(2, h.AssumeRoleRequests().Count);
        var signers = h.Server.Journal.Snapshot()
            .Where(e => e.Operation == "GetCallerIdentity")
            .Select(e => e.CallerAccessKeyId)
            .ToList();

        // The SDK asks our AWSCredentials on every request instead of caching what it got the first time.
        Assert.Equal([first.AccessKeyId, first.AccessKeyId, second.AccessKeyId], signers);
        Assert.Equal(HubSessionArn, identity.Arn);
    }

    [Fact]
    public async Task BackgroundRefresh_ThreeHopChainReachesRefreshWindow_RefreshesEveryHopOnce()
    {
        await using var h = await StartAsync();
        var provider = h.CreateProvider(h.Profile(Hub(), Reports(), Warehouse()));
        var first = await provider.GetCredentialsAsync();

        h.Time.Advance(RefreshAt);
        await WhenIdleAsync(provider);
        await Eventually.WaitAsync(() => h.AssumeRoleRequests().Count(e => e.Succeeded) == 6, "every hop to be refreshed");
        var second = await provider.GetCredentialsAsync();

        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        var refreshes = h.AssumeRoleRequests().Skip(3).ToList();
        Assert.Equal(3, refreshes.Count);
        Assert.All(refreshes, e => Assert.True(e.Succeeded, e.Outcome));
        Assert.Equal(1, refreshes.Count(e => e.Parameters["RoleArn"] == WarehouseRoleArn));

        // Whichever parent session signed it (old or new, both still valid), the chain and trust are intact.
        var warehouse = refreshes.Single(e => e.Parameters["RoleArn"] == WarehouseRoleArn);
        Assert.Equal(ReportsSessionArn, warehouse.CallerArn);
        Assert.Equal(warehouse.IssuedAccessKeyId, second.AccessKeyId);
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromHours(1), second.Expiration);
    }

    [Fact]
    public async Task Invalidate_AfterFirstSession_NextCallAssumesRoleAgainWithNewKey()
    {
        await using var h = await StartAsync();
        var provider = h.CreateProvider(h.Profile(Hub()));
        var first = await provider.GetCredentialsAsync();

        provider.Invalidate();
        var second = await provider.GetCredentialsAsync();
        var third = await provider.GetCredentialsAsync();

        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        Assert.Same(second, third);
        Assert.Equal(2, h.AssumeRoleRequests().Count);
    }

    [Fact]
    public async Task Invalidate_LastHopOfChain_ReassumesOnlyThatHopWithCachedParent()
    {
        await using var h = await StartAsync();
        var provider = h.CreateProvider(h.Profile(Hub(), Reports(), Warehouse()));
        var first = await provider.GetCredentialsAsync();

        provider.Invalidate();
        var second = await provider.GetCredentialsAsync();

        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        var requests = h.AssumeRoleRequests();
        Assert.Equal(4, requests.Count);
        Assert.Equal(WarehouseRoleArn, requests[3].Parameters["RoleArn"]);
        Assert.Equal(requests[1].IssuedAccessKeyId, requests[3].CallerAccessKeyId);
    }

    [Fact]
    public async Task GetCredentialsAsync_ParentSessionsExpiredServerSide_RenewsThemAndRetriesTheHop()
    {
        await using var h = await StartAsync();
        var options = h.Profile(Hub(), Reports(), Warehouse());
        options.Refresh.BackgroundRefresh = false;
        var provider = h.CreateProvider(options);
        var first = await provider.GetCredentialsAsync();
        var hubKey = h.AssumeRoleRequests()[0].IssuedAccessKeyId;
        var reportsKey = h.AssumeRoleRequests()[1].IssuedAccessKeyId;

        // STS's clock runs past the hub and reports sessions' expiry while the provider, on its own clock, still holds
        // them as fresh: exactly what a revoked session or a skewed host looks like from the provider's side.
        h.Server.ClockOffset = TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1);
        provider.Invalidate();
        var second = await provider.GetCredentialsAsync();

        var requests = h.AssumeRoleRequests().Skip(3).ToList();
        Assert.Equal(
            [
                (WarehouseRoleArn, "ExpiredToken"),
                (LocalStsDemo.ReportsRoleArn, "ExpiredToken"),
                (LocalStsDemo.HubRoleArn, LocalStsJournal.SuccessOutcome),
                (LocalStsDemo.ReportsRoleArn, LocalStsJournal.SuccessOutcome),
                (WarehouseRoleArn, LocalStsJournal.SuccessOutcome),
            ],
            requests.Select(e => (e.Parameters["RoleArn"], e.Outcome)));
        Assert.Equal([LocalStsDemo.AccessKeyId, requests[2].IssuedAccessKeyId, requests[3].IssuedAccessKeyId],
            requests.Skip(2).Select(e => e.CallerAccessKeyId));
        Assert.NotEqual(hubKey, requests[2].IssuedAccessKeyId);
        Assert.NotEqual(reportsKey, requests[3].IssuedAccessKeyId);
        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        Assert.Equal(requests[4].IssuedAccessKeyId, second.AccessKeyId);
        Assert.Equal(2, h.ProviderLogs(9).Count);
    }
}
