using System.Text;
using CredentialKit.IntegrationTests.Helpers;
using static CredentialKit.IntegrationTests.Helpers.LocalStsHarness;

namespace CredentialKit.IntegrationTests.Sources;

/// <summary>
/// The SSO clients run over CredentialKit's HTTP edge, as STS's do: a portal's redirect is refused (the bearer token
/// would follow it), its body is capped, a trickling answer is bounded on the injected clock, and its <c>Date</c> plans the
/// session on the portal's clock.
/// </summary>
public sealed partial class SsoSourceTests
{
    private const string PortalSecret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY00";

    [Fact]
    public async Task PortalRedirects_IsRefusedNamingStatusAndHostPort_AndTheTargetGetsNoConnection()
    {
        await using var h = await LocalStsHarness.StartAsync();
        var token = Login(h, "corp", TimeSpan.FromHours(8));
        await using var target = new RawHttpServer((_, stream, ct) => RawHttpServer.WriteAsync(stream, "200 OK", "{}", ct));
        await using var portal = new RawHttpServer((_, stream, ct) => RawHttpServer.WriteAsync(stream, "302 Found", string.Empty, ct,
            $"Location: http://127.0.0.1:{target.Port}/federation/credentials?stolen=yes"));
        var provider = h.CreateProvider(Options(h, "dev", portal.Url));

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));

        Assert.Equal("Redirect", error.ErrorCode);
        Assert.False(error.IsTransient);
        Assert.Contains("SSO portal answered HTTP 302", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Location host 127.0.0.1:{target.Port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("stolen", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token.AccessToken, error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, target.Connections);
        Assert.Single(portal.Requests); // terminal: the SDK does not try again
        Assert.Contains(token.AccessToken, portal.Requests[0].Head, StringComparison.Ordinal); // the header a redirect would carry
    }

    [Fact]
    public async Task PortalAnswerOverTheCap_FailsAsMalformedWithoutReadingIt()
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, "corp", TimeSpan.FromHours(8));
        var expiration = h.Time.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds();
        var padding = new string(' ', (int)HttpEdge.DefaultMaximumResponseBytes);
        await using var portal = new RawHttpServer((_, stream, ct) => RawHttpServer.WriteAsync(stream, "200 OK",
            $$$"""{"roleCredentials":{"accessKeyId":"ASIAPORTALEXAMPLE001","secretAccessKey":"{{{PortalSecret}}}","sessionToken":"tok","expiration":{{{expiration}}}}}{{{padding}}}""",
            ct, "Content-Type: application/json"));
        var provider = h.CreateProvider(Options(h, "dev", portal.Url));

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));

        Assert.Equal("MalformedResponse", error.ErrorCode);
        Assert.Contains("SSO portal's response is longer than 1048576 bytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(PortalSecret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortalTricklesItsAnswer_TheRequestEndsAtItsBoundOnTheInjectedClock()
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, "corp", TimeSpan.FromHours(8));
        await using var portal = new RawHttpServer(async (_, stream, ct) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{"), ct);
            for (var i = 0; i < 4000; i++)
            {
                await stream.FlushAsync(ct);
                await Task.Delay(TimeSpan.FromMilliseconds(50), ct); // the portal's own pace (real clock): a byte now and then
                await stream.WriteAsync(" "u8.ToArray(), ct); // 4,000 bytes at this pace: 200 s, far past any bound
            }
        });
        var options = Options(h, "dev", portal.Url);
        options.Refresh.MaxRetryAttempts = 0;
        var provider = h.CreateProvider(options);

        var call = provider.GetCredentialsAsync().AsTask();
        await Eventually.WaitAsync(() => portal.Requests.Count == 1, "the portal to be asked");
        for (var i = 0; i < 120 && !call.IsCompleted; i++)
        {
            // Only the injected clock ends a request: each advance ends the one in flight (the SDK retries it after a
            // backoff of its own, on the real clock, hence the short real waits between advances).
            h.Time.Advance(SsoDefaults.RequestTimeout);
            await Task.WhenAny(call, Task.Delay(TimeSpan.FromMilliseconds(250)));
        }

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => call.WaitAsync(SafetyBound));
        Assert.Equal("Timeout", error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.Contains("SSO portal did not answer GetRoleCredentials within 00:00:10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortalClockAhead_TheSessionIsPlannedOnThePortalsClock()
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, "corp", TimeSpan.FromHours(12));
        h.Server.ClockOffset = TimeSpan.FromHours(1); // the portal writes expirations an hour later than the local clock reads
        var provider = h.CreateProvider(Options(h, "dev"));
        var sentAt = h.Time.GetUtcNow();

        var first = await provider.GetCredentialsAsync();

        Assert.Equal(sentAt.AddHours(7), first.Expiration, TimeSpan.FromSeconds(1)); // role sessions last 6 h here
        var planned = ((ChainedCredentialProvider)provider).Session.Snapshot!.ExpiresAt.Wall;
        Assert.InRange(planned, sentAt.AddHours(6) - TimeSpan.FromSeconds(2), sentAt.AddHours(6)); // 6 h of local time, not 7
        Assert.InRange(provider.GetStatus().ClockSkew!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));

        // 5 min before the portal's real end (local time): refreshed in the background, never served past it.
        h.Time.Advance(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(56));
        await Eventually.WaitAsync(() => Count(h, LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation) == 2, "the background refresh");
        await WhenIdleAsync(provider);
        Assert.NotEqual(first.AccessKeyId, (await provider.GetCredentialsAsync()).AccessKeyId);
    }
}
