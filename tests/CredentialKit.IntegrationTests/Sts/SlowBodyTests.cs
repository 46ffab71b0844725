using System.Text;
using CredentialKit.IntegrationTests.Helpers;

namespace CredentialKit.IntegrationTests.Sts;

/// <summary>
/// Issue #17.6: the attempt timeout bounds the whole exchange, body included. A server that sends its headers at once and
/// then trickles (or stalls) the body would otherwise keep an attempt alive past <c>AttemptTimeout</c>: the SDK's body reads
/// do not all observe the attempt's token. Bounded real-clock tests: they assert the outcome (a Timeout, within a bound
/// that a hanging read would exceed), not a duration.
/// </summary>
public sealed class SlowBodyTests
{
    private static readonly TimeSpan SafetyBound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(0)]     // the body stalls after its first bytes
    [InlineData(10000)] // a byte every 10 s, forever: the attempts (1 s each) must end before the first of them
    public async Task BodyTricklingPastTheAttemptTimeout_FailsAsTimeout_BeforeTheNextByte(int trickleMilliseconds)
    {
        var trickled = 0;
        await using var sts = new RawHttpServer(async (_, stream, ct) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n<AssumeRoleResponse>"), ct);
            await stream.FlushAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(trickleMilliseconds == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(trickleMilliseconds), ct);
                await stream.WriteAsync(" "u8.ToArray(), ct);
                await stream.FlushAsync(ct);
                Interlocked.Increment(ref trickled);
            }
        });
        var options = RawHttpServer.HubProfile(sts.Url, maxRetryAttempts: 1);
        options.Refresh.AttemptTimeout = TimeSpan.FromSeconds(1);
        await using var provider = CredentialProvider.Create(options, new SessionCacheOptions { Random = () => 0.0 }, "slow-body");

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));
        var trickledBeforeTheEnd = Volatile.Read(ref trickled);

        Assert.Equal(StsErrorClassifier.TimeoutCode, error.ErrorCode);
        Assert.Equal(2, error.Attempts);
        Assert.Equal(0, trickledBeforeTheEnd); // no attempt waited for the body's next byte
        Assert.InRange(sts.Connections, 1, 2); // the second attempt may time out before the server has read its request
    }
}
