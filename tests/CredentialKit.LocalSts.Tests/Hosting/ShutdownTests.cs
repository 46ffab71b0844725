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

    private sealed record Stopped(LocalStsServer Server, Exception GetCallerIdentity, Exception GetSessionToken);

    // Real clock: the requests are held by the faults (a hang, a ten-minute delay), not by time. Both faults are consumed once
    // both requests are inside them; then the server is disposed and each call's failure collected (bounded).
    private static async Task<Stopped> StopWithTwoRequestsHeldAsync(int maxErrorRetry)
    {
        var server = await LocalStsServer.StartNewAsync(LocalStsOptions.CreateDemo());
        server.Faults.Enqueue(LocalStsFault.Hang(), "GetCallerIdentity");
        server.Faults.Enqueue(LocalStsFault.DelayThenRespond(TimeSpan.FromMinutes(10)), "GetSessionToken");
        using var client = Sts.Client(server, maxErrorRetry: maxErrorRetry);
        var hanging = client.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var delayed = client.GetSessionTokenAsync(new GetSessionTokenRequest());
        await WhenAsync(() => server.InFlightRequests == 2
            && server.Faults.PendingCount("GetCallerIdentity") + server.Faults.PendingCount("GetSessionToken") == 0);

        await server.DisposeAsync().AsTask().WaitAsync(Bounded);

        return new Stopped(server,
            await Assert.ThrowsAnyAsync<Exception>(() => hanging.WaitAsync(Bounded)),
            await Assert.ThrowsAnyAsync<Exception>(() => delayed.WaitAsync(Bounded)));
    }

    // A bounded poll for a state the server reaches on its own (a request arriving), asserting the outcome, never a duration.
    private static async Task WhenAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Bounded);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
        }
    }

    [Fact]
    public async Task DisposeAsync_RequestsHeldByHangAndDelay_BothGetServiceUnavailable()
    {
        var stopped = await StopWithTwoRequestsHeldAsync(maxErrorRetry: 0);

        foreach (var failure in new[] { stopped.GetCallerIdentity, stopped.GetSessionToken })
        {
            var ex = Assert.IsAssignableFrom<AmazonSecurityTokenServiceException>(failure);
            Assert.Equal("ServiceUnavailable", ex.ErrorCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
            Assert.Equal(Amazon.Runtime.ErrorType.Receiver, ex.ErrorType);
        }

        Assert.Equal(2, stopped.Server.Journal.Snapshot().Count(e => e.Outcome == "ServiceUnavailable" && e.StatusCode == 503));
    }

    [Fact]
    public async Task DisposeAsync_RequestsHeldWithRetriesAllowed_TheSdkRetriesAndEndsOnTheRefusedConnection()
    {
        var stopped = await StopWithTwoRequestsHeldAsync(maxErrorRetry: 1);

        // The retry meets the closed port (a connection error) or, when it was quicker than the unbinding, a second 503.
        foreach (var (ex, action) in new[] { (stopped.GetCallerIdentity, "GetCallerIdentity"), (stopped.GetSessionToken, "GetSessionToken") })
        {
            var attempts = stopped.Server.Journal.Snapshot().Count(e => e.Operation == action);
            if (ex is AmazonSecurityTokenServiceException sts)
            {
                Assert.Equal("ServiceUnavailable", sts.ErrorCode);
                Assert.Equal(2, attempts);
            }
            else
            {
                Assert.Contains(ex.GetBaseException().GetType().Name, new[] { "SocketException", "HttpRequestException", "IOException" });
                Assert.Equal(1, attempts);
            }
        }
    }

    [Fact]
    public async Task DisposeAsync_RawRequestHeld_Gets503WithBodyAndConnectionClose()
    {
        var server = await LocalStsServer.StartNewAsync(LocalStsOptions.CreateDemo());
        server.Faults.Enqueue(LocalStsFault.Hang());
        var call = RawSts.PostAsync(server, RawSts.GetCallerIdentityQuery, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey);
        await WhenAsync(() => server.Faults.PendingCount() == 0 && server.InFlightRequests == 1);

        await server.DisposeAsync().AsTask().WaitAsync(Bounded);
        using var response = await call.WaitAsync(Bounded);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.ConnectionClose);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Type>Receiver</Type><Code>ServiceUnavailable</Code>", body, StringComparison.Ordinal);
        Assert.Contains("LocalSts is shutting down", body, StringComparison.Ordinal);
    }
}
