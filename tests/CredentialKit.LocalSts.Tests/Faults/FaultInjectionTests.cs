using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;
using CredentialKit.Testing;

namespace CredentialKit.LocalSts.Tests.Faults;

public sealed class FaultInjectionTests
{
    private static Task<GetCallerIdentityResponse> WhoAmIAsync(AmazonSecurityTokenServiceClient client) => client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

    [Theory]
    [InlineData("Throttling", 400, "Rate exceeded", ErrorType.Sender)]
    [InlineData("InternalFailure", 500, null, ErrorType.Receiver)]
    [InlineData("ServiceUnavailable", 503, null, ErrorType.Receiver)]
    [InlineData("IDPCommunicationError", 400, null, ErrorType.Sender)]
    public async Task Enqueue_BuiltInFault_ClientSeesCodeStatusAndType(string code, int status, string? message, ErrorType type)
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        var fault = code switch
        {
            "Throttling" => LocalStsFault.Throttling(),
            "InternalFailure" => LocalStsFault.InternalFailure(),
            "ServiceUnavailable" => LocalStsFault.ServiceUnavailable(),
            _ => LocalStsFault.IdpCommunicationError(),
        };
        server.Faults.Enqueue(fault, "GetCallerIdentity");
        using var client = Sts.Client(server);

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => WhoAmIAsync(client));

        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Equal(type, ex.ErrorType);
        if (message is not null)
        {
            Assert.Equal(message, ex.Message);
        }
    }

    [Fact]
    public async Task Enqueue_TwoThrottlesWithSdkRetries_ThirdAttemptSucceeds()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        server.Faults.Enqueue(LocalStsFault.Throttling(), "GetCallerIdentity", count: 2);
        using var client = Sts.Client(server, maxErrorRetry: 2);

        var identity = await WhoAmIAsync(client);

        Assert.Equal(LocalStsDemo.UserArn, identity.Arn);
        Assert.Equal(["Throttling", "Throttling", "Success"], server.Journal.Snapshot().Select(e => e.Outcome));
        Assert.Equal(0, server.Faults.PendingCount("GetCallerIdentity"));
    }

    [Fact]
    public async Task Enqueue_OtherOperationScript_DoesNotAffectThisOperation()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        server.Faults.Enqueue(LocalStsFault.InternalFailure(), "AssumeRole");
        using var client = Sts.Client(server);

        await WhoAmIAsync(client);

        Assert.Equal(1, server.Faults.PendingCount("AssumeRole"));
    }

    [Fact]
    public async Task Enqueue_CustomError_ReturnedVerbatim()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        server.Faults.Enqueue(LocalStsFault.Error("RegionDisabledException", "STS is not activated in this region", 403));
        using var client = Sts.Client(server);

        var ex = await Assert.ThrowsAsync<RegionDisabledException>(() => client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app" }));

        Assert.Equal("STS is not activated in this region", ex.Message);
    }

    [Fact]
    public async Task Enqueue_DelayLongerThanTheClientWaits_JournalRecordsAbort()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        server.Faults.Enqueue(LocalStsFault.DelayThenRespond(TimeSpan.FromMinutes(10)));
        using var client = Sts.Client(server);
        using var giveUp = new CancellationTokenSource();

        var call = client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), giveUp.Token);
        await WaitUntilAsync(() => server.Faults.PendingCount() == 0);
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await WaitUntilAsync(() => server.Journal.Count() == 1);
        Assert.Equal("RequestAborted", server.Journal.Snapshot().Single().Outcome);
    }

    [Fact]
    public async Task Enqueue_DelayOnManualClock_CompletesWhenClockAdvanced()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        server.Faults.Enqueue(LocalStsFault.DelayThenRespond(TimeSpan.FromSeconds(30)));
        using var client = Sts.Client(server);

        var call = WhoAmIAsync(client);
        await WaitUntilAsync(() => time.ActiveTimerCount > 0);
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(LocalStsDemo.UserArn, (await call).Arn);
    }

    [Fact]
    public async Task Enqueue_Hang_ClientGivingUpEndsRequest()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        server.Faults.Enqueue(LocalStsFault.Hang());
        using var client = Sts.Client(server);
        using var giveUp = new CancellationTokenSource();

        // Give up once the request has taken the hang fault (not after a wall-clock timeout, which depends on speed).
        var call = client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), giveUp.Token);
        await WaitUntilAsync(() => server.Faults.PendingCount() == 0);
        Assert.False(call.IsCompleted);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        await WaitUntilAsync(() => server.Journal.Count() == 1);
        Assert.Equal("RequestAborted", server.Journal.Snapshot().Single().Outcome);
    }

    [Fact]
    public async Task Enqueue_AbortConnection_ClientGetsTransportError()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;

        // The client stack resends a request whose connection dies before any response byte, even with
        // MaxErrorRetry = 0, so abort every attempt (an outage of aborts) rather than counting attempts.
        server.Faults.StartOutage(LocalStsFault.AbortConnection());
        using var client = Sts.Client(server);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => WhoAmIAsync(client));

        Assert.IsNotType<AmazonSecurityTokenServiceException>(ex);
        Assert.All(server.Journal.Snapshot(), e => Assert.Equal("ConnectionAborted", e.Outcome));
    }

    [Fact]
    public async Task Enqueue_MalformedResponse_ClientFailsToUnmarshal()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        server.Faults.Enqueue(LocalStsFault.MalformedResponse());
        using var client = Sts.Client(server);

        await Assert.ThrowsAnyAsync<Exception>(() => WhoAmIAsync(client));

        Assert.Equal("MalformedResponse", server.Journal.Snapshot().Single().Outcome);
    }

    [Fact]
    public async Task StartOutage_AllOperations_Return503UntilEnded()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        server.Faults.StartOutage();

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => WhoAmIAsync(client));
        server.Faults.EndOutage();
        var identity = await WhoAmIAsync(client);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal(LocalStsDemo.UserArn, identity.Arn);
    }

    [Fact]
    public async Task StartOutage_OneOperationWithChosenFault_OthersUnaffected()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        server.Faults.StartOutage(LocalStsFault.Throttling(), "AssumeRole");

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app" }));
        var identity = await WhoAmIAsync(client);

        Assert.Equal("Throttling", ex.ErrorCode);
        Assert.Equal(LocalStsDemo.UserArn, identity.Arn);
    }

    [Fact]
    public async Task SetRateLimit_BurstExhausted_ThrottlesUntilClockRefills()
    {
        var (server, time) = await Sts.StartDemoAsync(o => o.RateLimit = new LocalStsRateLimit(RequestsPerSecond: 1, Burst: 2));
        await using var _ = server;
        using var client = Sts.Client(server);

        await WhoAmIAsync(client);
        await WhoAmIAsync(client);
        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => WhoAmIAsync(client));
        time.Advance(TimeSpan.FromSeconds(1));
        await WhoAmIAsync(client);

        Assert.Equal("Throttling", ex.ErrorCode);
        Assert.Equal("Rate exceeded", ex.Message);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
    }

    [Fact]
    public async Task SetRateLimit_PerAccount_OtherAccountNotThrottled()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        var hub = await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app" });
        using var hubClient = Sts.Client(server, Sts.AsCredentials(hub.Credentials));
        var reports = await hubClient.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "rpt", ExternalId = LocalStsDemo.ReportsExternalId });
        using var reportsClient = Sts.Client(server, Sts.AsCredentials(reports.Credentials));
        server.Faults.SetRateLimit(new LocalStsRateLimit(1, 1));

        await WhoAmIAsync(client);
        await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => WhoAmIAsync(client));
        var other = await WhoAmIAsync(reportsClient);

        Assert.Equal("444455556666", other.Account);
    }

    // Polls a server-side condition that depends on the request reaching the server, not on elapsed time.
    private static Task WaitUntilAsync(Func<bool> condition) => Eventually.WaitAsync(condition, "the server-side condition");
}
