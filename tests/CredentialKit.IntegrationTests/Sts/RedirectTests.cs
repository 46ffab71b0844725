using CredentialKit.IntegrationTests.Helpers;

namespace CredentialKit.IntegrationTests.Sts;

/// <summary>
/// Issue #17.1: real STS never redirects, so a 3xx comes from a proxy, a captive portal or an attacker. The real SDK
/// client over CredentialKit's HTTP layer never follows one: nothing reaches the other host (a second listener proves
/// it), and the refresh fails once with a terminal <c>Redirect</c> naming the status and the Location host only.
/// </summary>
public sealed class RedirectTests
{
    private const string HubSessionArn = "arn:aws:sts::111122223333:assumed-role/hub/app-hub";
    private static readonly TimeSpan SafetyBound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("307 Temporary Redirect", 307)]
    [InlineData("302 Found", 302)]
    [InlineData("301 Moved Permanently", 301)]
    [InlineData("308 Permanent Redirect", 308)]
    public async Task SecondHopRedirectedToAnotherHost_NothingReachesIt_AndTheRefreshFailsOnceAsRedirect(string status, int code)
    {
        var time = new ManualTimeProvider();
        await using var other = new RawHttpServer((_, stream, ct) =>
            RawHttpServer.WriteAsync(stream, "200 OK", RawHttpServer.AssumeRoleSuccess(LocalStsDemo.ReportsRoleArn, time.GetUtcNow().AddHours(1)), ct));
        await using var sts = new RawHttpServer((request, stream, ct) => request.Form("RoleArn") == LocalStsDemo.HubRoleArn
            ? RawHttpServer.WriteAsync(stream, "200 OK", RawHttpServer.AssumeRoleSuccess(HubSessionArn, time.GetUtcNow().AddHours(1)), ct)
            : RawHttpServer.WriteAsync(stream, status, string.Empty, ct, $"Location: http://localhost:{other.Port}/steal?X-Amz-Security-Token=SECRETQUERY"));
        var logs = new CapturingLoggerFactory();
        await using var provider = CredentialProvider.Create(
            Profile(sts.Url), new SessionCacheOptions { TimeProvider = time, LoggerFactory = logs, Random = () => 0.0 }, "redirect");

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));

        Assert.Equal(0, other.Connections);
        Assert.Empty(other.Requests);
        Assert.Equal(StsErrorClassifier.RedirectCode, error.ErrorCode);
        Assert.False(error.IsTransient);
        Assert.Equal(1, error.Attempts);
        Assert.Equal(2, sts.Requests.Count); // hop 1 once, hop 2 once: not retried
        Assert.Contains($"{code}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"localhost:{other.Port}", error.Message, StringComparison.Ordinal);
        var everything = string.Join("\n", logs.Records.SelectMany(r => r.AllText()).Append(error.ToString()));
        Assert.DoesNotContain("SECRETQUERY", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("/steal", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedirectToTheSameHost_IsNotFollowedEither()
    {
        var time = new ManualTimeProvider();
        RawHttpServer? sts = null;
        sts = new RawHttpServer((request, stream, ct) => request.Head.StartsWith("POST /elsewhere", StringComparison.Ordinal)
            ? RawHttpServer.WriteAsync(stream, "200 OK", RawHttpServer.AssumeRoleSuccess(HubSessionArn, time.GetUtcNow().AddHours(1)), ct)
            : RawHttpServer.WriteAsync(stream, "302 Found", string.Empty, ct, $"Location: http://127.0.0.1:{sts!.Port}/elsewhere"));
        await using var _ = sts;
        var options = Profile(sts.Url);
        options.Roles.RemoveAt(1);
        await using var provider = CredentialProvider.Create(options, new SessionCacheOptions { TimeProvider = time, Random = () => 0.0 }, "redirect");

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));

        Assert.Equal(StsErrorClassifier.RedirectCode, error.ErrorCode);
        Assert.Single(sts.Requests);
        Assert.DoesNotContain(sts.Requests, r => r.Head.Contains("/elsewhere", StringComparison.Ordinal));
    }

    private static CredentialKitProfileOptions Profile(string url)
    {
        var options = RawHttpServer.HubProfile(url, maxRetryAttempts: 3);
        options.Roles.Add(new AssumeRoleOptions { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "app-reports" });
        return options;
    }
}
