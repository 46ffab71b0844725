using System.Net;
using System.Net.Http;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Sts;

public class RetryPipelineTests
{
    private readonly ProviderFixture _fixture = new();

    [Theory]
    [InlineData("Throttling", HttpStatusCode.BadRequest)]
    [InlineData("ThrottlingException", HttpStatusCode.BadRequest)]
    [InlineData("RequestLimitExceeded", HttpStatusCode.BadRequest)]
    [InlineData("InternalFailure", HttpStatusCode.InternalServerError)]
    [InlineData("ServiceUnavailable", HttpStatusCode.ServiceUnavailable)]
    [InlineData("SomethingNew", HttpStatusCode.BadGateway)]
    [InlineData("IDPCommunicationError", HttpStatusCode.BadRequest)]
    [InlineData("RequestTimeout", HttpStatusCode.BadRequest)]
    public async Task TransientError_IsRetriedUpToMaxRetryAttempts(string code, HttpStatusCode status)
    {
        await using var provider = _fixture.Create();
        _fixture.Sts.EnqueueError(code, status, times: 3);

        var credentials = await provider.GetCredentialsAsync();

        Assert.NotNull(credentials);
        Assert.Equal(4, _fixture.Sts.CallCount);
    }

    [Theory]
    [InlineData("AccessDenied", HttpStatusCode.Forbidden)]
    [InlineData("ValidationError", HttpStatusCode.BadRequest)]
    [InlineData("InvalidParameterValue", HttpStatusCode.BadRequest)]
    [InlineData("MalformedPolicyDocument", HttpStatusCode.BadRequest)]
    [InlineData("PackedPolicyTooLarge", HttpStatusCode.BadRequest)]
    [InlineData("RegionDisabledException", HttpStatusCode.Forbidden)]
    [InlineData("InvalidClientTokenId", HttpStatusCode.Forbidden)]
    [InlineData("SignatureDoesNotMatch", HttpStatusCode.Forbidden)]
    [InlineData("IDPRejectedClaim", HttpStatusCode.Forbidden)]
    [InlineData("ExpiredTokenException", HttpStatusCode.BadRequest)]
    public async Task TerminalError_FailsAfterOneAttempt(string code, HttpStatusCode status)
    {
        await using var provider = _fixture.Create();
        _fixture.Sts.EnqueueError(code, status);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal(1, _fixture.Sts.CallCount);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(1, error.Attempts);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task NetworkError_IsTransientAndRetried()
    {
        await using var provider = _fixture.Create();
        _fixture.Sts.EnqueueException(new HttpRequestException("connection refused"));
        _fixture.Sts.EnqueueException(new IOException("reset"));

        await provider.GetCredentialsAsync();

        Assert.Equal(3, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task MalformedResponseBody_IsTransientAndRetried()
    {
        await using var provider = _fixture.Create();
        _fixture.Sts.EnqueueException(new System.Xml.XmlException("Unexpected end of file."));

        await provider.GetCredentialsAsync();

        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task MalformedResponseBody_Exhausted_ReportsMalformedResponseCode()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.MaxRetryAttempts = 0;
        await using var provider = _fixture.Create(options);
        _fixture.Sts.EnqueueException(new System.Xml.XmlException("Unexpected end of file."));

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("MalformedResponse", error.ErrorCode);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task TransientError_RetriesExhausted_ReportsAttemptsAndTransience()
    {
        await using var provider = _fixture.Create();
        _fixture.Sts.EnqueueError("Throttling", message: "Rate exceeded", times: 4);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal(4, error.Attempts);
        Assert.True(error.IsTransient);
        Assert.Equal("Throttling", error.ErrorCode);
        Assert.Contains("4 attempt(s)", error.Message);
    }

    [Fact]
    public async Task Retries_BackOffExponentiallyWithinBounds()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.RetryBaseDelay = TimeSpan.FromMilliseconds(500);
        options.Refresh.RetryMaxDelay = TimeSpan.FromSeconds(10);
        options.Refresh.MaxRetryAttempts = 6;
        await using var provider = _fixture.Create(options);
        _fixture.Sts.EnqueueError("Throttling", times: 6);

        await Eventually.DriveAsync(provider.GetCredentialsAsync().AsTask(), _fixture.Time, TimeSpan.FromSeconds(10));

        var delays = _fixture.Logs.WithEventId(7).Select(r => (TimeSpan)r["Delay"]!).ToList();
        Assert.Equal(6, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(10)));
        Assert.True(delays[^1] > delays[0], "later retries wait longer");
        Assert.Equal(7, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task Retries_NoRealTimePassesWithoutTheClock()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.RetryBaseDelay = TimeSpan.FromSeconds(1);
        _fixture.RandomValue = 0.5;
        await using var provider = _fixture.Create(options);
        _fixture.Sts.EnqueueError("Throttling");

        var call = provider.GetCredentialsAsync().AsTask();
        // The attempt timeout (5 s) is armed during the attempt; the retry delay (about 0.9 s here) replaces it after.
        await Eventually.WaitAsync(
            () => _fixture.Sts.CallCount == 1 && _fixture.Time.NextTimerDueIn is { } due && due < TimeSpan.FromSeconds(5),
            "the retry delay being scheduled");

        Assert.False(call.IsCompleted); // parked on the manual clock's retry delay
        Assert.Equal(1, _fixture.Sts.CallCount);
        await Eventually.DriveAsync(call, _fixture.Time, TimeSpan.FromSeconds(10));
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task AttemptTimeout_HungCall_TimesOutAndIsRetried()
    {
        await using var provider = _fixture.Create();
        _fixture.Sts.EnqueueHang();

        var call = provider.GetCredentialsAsync().AsTask();
        await Eventually.WaitAsync(() => _fixture.Sts.CallCount == 1, "the first attempt");
        await Eventually.WaitAsync(() => _fixture.Time.NextTimerDueIn == TimeSpan.FromSeconds(5), "the attempt timeout being armed");
        _fixture.Time.Advance(TimeSpan.FromSeconds(5));
        await call;

        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task AttemptTimeout_EveryAttemptHangs_FailsWithTimeoutCode()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.MaxRetryAttempts = 1;
        await using var provider = _fixture.Create(options);
        _fixture.Sts.EnqueueHang();
        _fixture.Sts.EnqueueHang();

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() =>
            Eventually.DriveAsync(provider.GetCredentialsAsync().AsTask(), _fixture.Time, TimeSpan.FromSeconds(5)));

        Assert.Equal("Timeout", error.ErrorCode);
        Assert.Equal(2, error.Attempts);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public void StsClientFactory_CreateConfig_TurnsOffSdkRetries()
    {
        var config = StsClientFactory.CreateConfig(new StsOptions { Region = "eu-west-1" });

        Assert.Equal(0, config.MaxErrorRetry);
        Assert.Equal("eu-west-1", config.RegionEndpoint.SystemName);
    }

    [Fact]
    public void StsClientFactory_CreateConfig_ServiceUrlAndAuthenticationRegion()
    {
        var config = StsClientFactory.CreateConfig(new StsOptions { ServiceUrl = "http://127.0.0.1:4566", AuthenticationRegion = "us-west-2" });

        Assert.StartsWith("http://127.0.0.1:4566", config.ServiceURL);
        Assert.Equal("us-west-2", config.AuthenticationRegion);
    }
}
