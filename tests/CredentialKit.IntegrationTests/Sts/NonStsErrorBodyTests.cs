using CredentialKit.IntegrationTests.Helpers;

namespace CredentialKit.IntegrationTests.Sts;

/// <summary>
/// Issue #17.5: when the body is not STS's XML (a proxy's HTML page), the HTTP status decides: 429 and 5xx are transient,
/// other statuses are named by their number. A 429 or 503 that says when to come back (Retry-After) is believed, up to
/// RetryMaxDelay. Real SDK client against a raw loopback server.
/// </summary>
public sealed class NonStsErrorBodyTests
{
    private const string HubSessionArn = "arn:aws:sts::111122223333:assumed-role/hub/app-hub";
    private const string Page = "<html><head><title>Blocked</title></head><body><h1>Request blocked by proxy</h1></body></html>";
    private static readonly TimeSpan SafetyBound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("429 Too Many Requests", "429", true)]
    [InlineData("502 Bad Gateway", "502", true)]
    [InlineData("503 Service Unavailable", "503", true)]
    [InlineData("403 Forbidden", "403", false)]
    [InlineData("407 Proxy Authentication Required", "407", false)]
    public async Task HtmlErrorPage_IsClassifiedByItsHttpStatus(string status, string code, bool transient)
    {
        await using var sts = new RawHttpServer((_, stream, ct) => RawHttpServer.WriteAsync(stream, status, Page, ct, "Content-Type: text/html"));
        var time = new ManualTimeProvider();
        await using var provider = CredentialProvider.Create(Profile(sts.Url), new SessionCacheOptions { TimeProvider = time, Random = () => 0.0 }, "html");

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(transient, error.IsTransient);
        Assert.Equal(transient ? 3 : 1, error.Attempts);
        Assert.Equal(transient ? 3 : 1, sts.Requests.Count);
    }

    [Fact]
    public async Task RetryAfter_IsHonouredUpToRetryMaxDelay()
    {
        var time = new ManualTimeProvider();
        var answers = 0;
        await using var sts = new RawHttpServer((_, stream, ct) => Interlocked.Increment(ref answers) switch
        {
            1 => RawHttpServer.WriteAsync(stream, "503 Service Unavailable", Page, ct, "Retry-After: 7"),
            2 => RawHttpServer.WriteAsync(stream, "429 Too Many Requests", Page, ct, "Retry-After: 3600"),
            _ => RawHttpServer.WriteAsync(stream, "200 OK", RawHttpServer.AssumeRoleSuccess(HubSessionArn, time.GetUtcNow().AddHours(1)), ct),
        });
        var logs = new CapturingLoggerFactory();
        var options = Profile(sts.Url);
        options.Refresh.RetryMaxDelay = TimeSpan.FromSeconds(10);
        await using var provider = CredentialProvider.Create(options, new SessionCacheOptions { TimeProvider = time, LoggerFactory = logs, Random = () => 0.0 }, "retry-after");

        var pending = provider.GetCredentialsAsync().AsTask();
        await Eventually.WaitAsync(() => logs.WithEventId(7).Count() == 1, "the first retry is planned");
        time.Advance(TimeSpan.FromSeconds(6.9));
        Assert.Single(sts.Requests); // still waiting out Retry-After: 7
        time.Advance(TimeSpan.FromSeconds(0.1));
        await Eventually.WaitAsync(() => logs.WithEventId(7).Count() == 2, "the second retry is planned");
        time.Advance(TimeSpan.FromSeconds(10)); // Retry-After: 3600, bounded by RetryMaxDelay
        var credentials = await pending.WaitAsync(SafetyBound);

        Assert.Equal(HubSessionArn, credentials.AssumedRoleArn);
        Assert.Equal([TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(10)], logs.WithEventId(7).Select(r => (TimeSpan)r["Delay"]!));
        Assert.Equal(3, sts.Requests.Count);
    }

    private static CredentialKitProfileOptions Profile(string url) => RawHttpServer.HubProfile(url);
}
