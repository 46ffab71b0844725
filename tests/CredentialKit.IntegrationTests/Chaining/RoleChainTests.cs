using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.IntegrationTests.Helpers;
using static CredentialKit.IntegrationTests.Helpers.LocalStsHarness;

namespace CredentialKit.IntegrationTests.Chaining;

/// <summary>Role chains assumed through the real AWS SDK against LocalSts, which checks trust, signatures and STS limits.</summary>
public sealed class RoleChainTests
{
    [Fact]
    public async Task GetCredentialsAsync_ThreeHopChain_SignsEachHopWithThePreviousSession()
    {
        await using var h = await StartAsync();
        var provider = h.CreateProvider(h.Profile(Hub(), Reports(), Warehouse()));

        var credentials = await provider.GetCredentialsAsync();

        var hops = h.AssumeRoleRequests();
        Assert.Equal(3, hops.Count);
        Assert.All(hops, e => Assert.True(e.Succeeded, e.Outcome));
        Assert.Equal(
            [LocalStsDemo.HubRoleArn, LocalStsDemo.ReportsRoleArn, WarehouseRoleArn],
            hops.Select(e => e.Parameters["RoleArn"]));
        Assert.Equal([UserArn, HubSessionArn, ReportsSessionArn], hops.Select(e => e.CallerArn));

        // Each hop is signed with exactly the access key the hop before it was issued.
        Assert.Equal(LocalStsDemo.AccessKeyId, hops[0].CallerAccessKeyId);
        Assert.Equal(hops[0].IssuedAccessKeyId, hops[1].CallerAccessKeyId);
        Assert.Equal(hops[1].IssuedAccessKeyId, hops[2].CallerAccessKeyId);
        Assert.Equal(hops[2].IssuedAccessKeyId, credentials.AccessKeyId);
        Assert.Equal(WarehouseSessionArn, credentials.AssumedRoleArn);
        Assert.Equal(h.Server.GetSession(credentials.AccessKeyId)!.Expiration, credentials.Expiration);
    }

    [Fact]
    public async Task ToAwsCredentials_ThreeHopChain_SdkClientCallsAsTheThirdRole()
    {
        await using var h = await StartAsync();
        var provider = h.CreateProvider(h.Profile(Hub(), Reports(), Warehouse()));
        var sts = h.CreateSdkClient(provider.ToAwsCredentials());

        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(WarehouseSessionArn, identity.Arn);
        Assert.Equal(WarehouseAccountId, identity.Account);
        Assert.EndsWith(":" + WarehouseSessionName, identity.UserId, StringComparison.Ordinal);
        var call = Assert.Single(h.Server.Journal.Snapshot(), e => e.Operation == "GetCallerIdentity");
        Assert.Equal((await provider.GetCredentialsAsync()).AccessKeyId, call.CallerAccessKeyId);
    }

    [Fact]
    public async Task GetCredentialsAsync_TransitiveTagOnFirstHop_ReachesTheThirdHop()
    {
        await using var h = await StartAsync();
        var hub = Hub();
        hub.Tags["team"] = "data";
        hub.TransitiveTagKeys.Add("team");
        var reports = Reports();
        reports.Tags["purpose"] = "monthly";
        var provider = h.CreateProvider(h.Profile(hub, reports, Warehouse()));

        var credentials = await provider.GetCredentialsAsync();

        var session = h.Server.GetSession(credentials.AccessKeyId)!;
        Assert.Equal("data", session.Tags["team"]);
        Assert.Contains("team", session.TransitiveTagKeys);

        // A tag that is not transitive stays on its own hop.
        Assert.False(session.Tags.ContainsKey("purpose"));
        Assert.Equal("monthly", h.Server.GetSession(h.AssumeRoleRequests()[1].IssuedAccessKeyId!)!.Tags["purpose"]);
    }

    [Fact]
    public async Task GetCredentialsAsync_ChainedHopAskingTwoHours_RequestsOneHourAndGetsOneHour()
    {
        await using var h = await StartAsync();
        var reports = Reports();
        reports.Duration = TimeSpan.FromHours(2);
        var provider = h.CreateProvider(h.Profile(Hub(), reports));

        var credentials = await provider.GetCredentialsAsync();

        var hop = Assert.Single(h.AssumeRoleRequests(LocalStsDemo.ReportsRoleArn));
        Assert.True(hop.Succeeded, hop.Outcome);
        Assert.Equal("3600", hop.Parameters["DurationSeconds"]);
        var session = h.Server.GetSession(credentials.AccessKeyId)!;
        Assert.Equal(TimeSpan.FromHours(1), session.Expiration - session.IssuedAt);
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromHours(1), credentials.Expiration);
    }

    [Fact]
    public async Task AssumeRoleAsync_ChainedHopAskingTwoHoursWithoutTheClamp_FailsWithValidationError()
    {
        await using var h = await StartAsync();
        var hubProvider = h.CreateProvider(h.Profile(Hub()));
        var sts = h.CreateSdkClient(hubProvider.ToAwsCredentials());

        var error = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = LocalStsDemo.ReportsRoleArn,
            RoleSessionName = ReportsSessionName,
            ExternalId = LocalStsDemo.ReportsExternalId,
            DurationSeconds = 7200,
        }));

        Assert.Equal("ValidationError", error.ErrorCode);
        Assert.Contains("role chaining", error.Message, StringComparison.Ordinal);
        Assert.Equal("7200", Assert.Single(h.AssumeRoleRequests(LocalStsDemo.ReportsRoleArn)).Parameters["DurationSeconds"]);
    }

    [Fact]
    public async Task GetCredentialsAsync_DurationAboveRoleMaxSessionDuration_RetriesOnceWithOneHour()
    {
        await using var h = await StartAsync();
        var role = new AssumeRoleOptions { RoleArn = ShortRoleArn, RoleSessionName = "app-short", Duration = TimeSpan.FromHours(8) };
        var provider = h.CreateProvider(h.Profile(role));

        var credentials = await provider.GetCredentialsAsync();

        var requests = h.AssumeRoleRequests();
        Assert.Equal(["28800", "3600"], requests.Select(e => e.Parameters["DurationSeconds"]));
        Assert.Equal(["ValidationError", LocalStsJournal.SuccessOutcome], requests.Select(e => e.Outcome));
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromHours(1), credentials.Expiration);
        Assert.Single(h.ProviderLogs(6));

        // The fallback is remembered: the next session is asked for with one hour straight away.
        provider.Invalidate();
        await provider.GetCredentialsAsync();
        Assert.Equal("3600", h.AssumeRoleRequests()[^1].Parameters["DurationSeconds"]);
        Assert.Equal(3, h.AssumeRoleRequests().Count);
    }

    [Fact]
    public async Task GetCredentialsAsync_DurationWithinHubMaxSessionDuration_IsGrantedInFull()
    {
        await using var h = await StartAsync();
        var hub = Hub();
        hub.Duration = TimeSpan.FromHours(8);
        var provider = h.CreateProvider(h.Profile(hub));

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal("28800", Assert.Single(h.AssumeRoleRequests()).Parameters["DurationSeconds"]);
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromHours(8), credentials.Expiration);
    }

    [Fact]
    public async Task GetCredentialsAsync_SourceCredentialsInstance_SignsTheFirstHop()
    {
        await using var h = await StartAsync();
        var options = h.Profile(Hub());
        options.Source.Type = SourceCredentialsType.Credentials;
        options.Source.AccessKeyId = null;
        options.Source.SecretAccessKey = null;
        options.Source.Credentials = new BasicAWSCredentials(LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey);
        var provider = h.CreateProvider(options);

        await provider.GetCredentialsAsync();

        Assert.Equal(UserArn, Assert.Single(h.AssumeRoleRequests()).CallerArn);
    }
}
