using System.Net;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Sts;

/// <summary>
/// Issue #23.3: a clock-skew rejection is re-signed once, at once, outside the attempt budget; other rejections are not.
/// (The real SDK's clock correction is proven against LocalSts in the integration tests.)
/// </summary>
public class ClockSkewRetryStrategyTests
{
    private const string Expired = "Signature expired: 20220127T001427Z is now earlier than 20220127T014428Z (20220127T015928Z - 15 min.)";
    private const string NotYetCurrent = "Signature not yet current: 20210112T072725Z is still later than 20210112T072625Z (20210112T071125Z + 15 min.)";

    private readonly ProviderFixture _fixture = new();

    private ICredentialProvider Create(int maxRetryAttempts = 0)
    {
        var options = ProviderFixture.Profile();
        options.Refresh.MaxRetryAttempts = maxRetryAttempts;
        return _fixture.Create(options);
    }

    [Theory]
    [InlineData("SignatureDoesNotMatch", Expired)]
    [InlineData("SignatureDoesNotMatch", NotYetCurrent)]
    [InlineData("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")]
    [InlineData("InvalidSignatureException", "Signature expired")]
    [InlineData("RequestExpired", "Request has expired.")]
    public async Task SkewRejection_NoRetryBudget_ReSignedAtOnceAndCallerNeverSeesIt(string code, string message)
    {
        await using var provider = Create(maxRetryAttempts: 0);
        _fixture.Sts.EnqueueError(code, HttpStatusCode.Forbidden, message);

        var credentials = await provider.GetCredentialsAsync();

        Assert.StartsWith("ASIA", credentials.AccessKeyId, StringComparison.Ordinal);
        Assert.Equal(2, _fixture.Sts.CallCount);
        Assert.Null(provider.GetStatus().LastErrorCode);
    }

    [Fact]
    public async Task SkewRejectionTwice_SurfacesAfterOneReSign_NotRetriedFurther()
    {
        await using var provider = Create(maxRetryAttempts: 3);
        _fixture.Sts.EnqueueError("SignatureDoesNotMatch", HttpStatusCode.Forbidden, Expired, times: 2);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.False(error.IsTransient);
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Theory]
    [InlineData("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")]
    [InlineData("AccessDenied", "Signature expired")]
    public async Task OtherRejection_NotReSigned(string code, string message)
    {
        await using var provider = Create(maxRetryAttempts: 3);
        _fixture.Sts.EnqueueError(code, HttpStatusCode.Forbidden, message);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task SkewRejectionThenThrottling_ReSignDoesNotSpendTheRetryBudget()
    {
        await using var provider = Create(maxRetryAttempts: 1);
        _fixture.Sts.EnqueueError("RequestTimeTooSkewed", HttpStatusCode.Forbidden, "too skewed");
        _fixture.Sts.EnqueueError("Throttling", HttpStatusCode.BadRequest, "Rate exceeded");

        var credentials = await Eventually.DriveAsync(provider.GetCredentialsAsync().AsTask(), _fixture.Time, TimeSpan.FromSeconds(1));

        Assert.StartsWith("ASIA", credentials.AccessKeyId, StringComparison.Ordinal);

        // Skewed, re-signed (throttled), retried once by the budget of one: three requests, credentials in the end.
        Assert.Equal(3, _fixture.Sts.CallCount);
    }
}
