using System.Net;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Hosting;

/// <summary>Stopping the server with requests in flight: every client sees a clean failure it retries (503, then a refused
/// connection), never an empty success.</summary>
public sealed class ShutdownTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(20);

    // Real clock: the requests are held by the faults, not by time. Both faults are consumed once both requests are inside them.
    private static async Task<LocalStsServer> StartHoldingTwoRequestsAsync()
    {
        var server = await LocalStsServer.StartNewAsync(LocalStsOptions.CreateDemo());
        server.Faults.Enqueue(LocalStsFault.Hang(), "GetCallerIdentity");
        server.Faults.Enqueue(LocalStsFault.DelayThenRespond(TimeSpan.FromMinutes(10)), "GetSessionToken");
        return server;
    }

    private static async Task WhenBothHeldAsync(LocalStsServer server)
    {
        using var timeout = new CancellationTokenSource(Bounded);
        while (server.InFlightRequests < 2 || server.Faults.PendingCount("GetCallerIdentity") + server.Faults.PendingCount("GetSessionToken") > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
        }
    }

    [Fact]
    public async Task DisposeAsync_RequestsHeldByHangAndDelay_BothGetServiceUnavailable()
    {
        var server = await StartHoldingTwoRequestsAsync();
        using var client = Sts.Client(server, maxErrorRetry: 0);
        var hanging = client.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var delayed = client.GetSessionTokenAsync(new GetSessionTokenRequest());
        await WhenBothHeldAsync(server);

        await server.DisposeAsync().AsTask().WaitAsync(Bounded);

        foreach (var call in new Task[] { hanging, delayed })
        {
            var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => call.WaitAsync(Bounded));
            Assert.Equal("ServiceUnavailable", ex.ErrorCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
            Assert.Equal(Amazon.Runtime.ErrorType.Receiver, ex.ErrorType);
        }

        var journal = server.Journal.Snapshot();
        Assert.Equal(2, journal.Count(e => e.Outcome == "ServiceUnavailable" && e.StatusCode == 503));
    }

    [Fact]
    public async Task DisposeAsync_RequestsHeldWithRetriesAllowed_TheSdkRetriesAndEndsOnTheRefusedConnection()
    {
        var server = await StartHoldingTwoRequestsAsync();
        using var client = Sts.Client(server, maxErrorRetry: 1);
        var hanging = client.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var delayed = client.GetSessionTokenAsync(new GetSessionTokenRequest());
        await WhenBothHeldAsync(server);

        await server.DisposeAsync().AsTask().WaitAsync(Bounded);

        // The retry meets the closed port (a connection error) or, when it was quicker than the unbinding, a second 503.
        foreach (var (call, action) in new[] { ((Task)hanging, "GetCallerIdentity"), (delayed, "GetSessionToken") })
        {
            var ex = await Assert.ThrowsAnyAsync<Exception>(() => call.WaitAsync(Bounded));
            if (ex is AmazonSecurityTokenServiceException sts)
            {
                Assert.Equal("ServiceUnavailable", sts.ErrorCode);
                Assert.Equal(2, server.Journal.Snapshot().Count(e => e.Operation == action && e.StatusCode == 503));
            }
            else
            {
                Assert.Contains(ex.GetBaseException().GetType().Name, new[] { "SocketException", "HttpRequestException", "IOException" });
                Assert.Equal(1, server.Journal.Snapshot().Count(e => e.Operation == action));
            }
        }
    }

    [Fact]
    public async Task DisposeAsync_RawRequestHeld_Gets503WithBodyAndConnectionClose()
    {
        var server = await LocalStsServer.StartNewAsync(LocalStsOptions.CreateDemo());
        server.Faults.Enqueue(LocalStsFault.Hang());
        var call = RawSts.PostAsync(server, RawSts.GetCallerIdentityQuery, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey);
        using (var timeout = new CancellationTokenSource(Bounded))
        {
            while (server.Faults.PendingCount() > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
            }
        }

        await server.DisposeAsync().AsTask().WaitAsync(Bounded);
        using var response = await call.WaitAsync(Bounded);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.ConnectionClose);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Type>Receiver</Type><Code>ServiceUnavailable</Code>", body, StringComparison.Ordinal);
        Assert.Contains("LocalSts is shutting down", body, StringComparison.Ordinal);
    }
}
