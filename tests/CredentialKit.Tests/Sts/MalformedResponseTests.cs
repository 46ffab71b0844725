using Amazon.SecurityToken.Model;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Sts;

/// <summary>A 200 whose credentials no AWS call would accept is <c>MalformedResponse</c>: transient, retried, never handed out.</summary>
public class MalformedResponseTests
{
    private readonly ProviderFixture _fixture = new();

    public static TheoryData<string> Breakages() =>
    [
        "no SecretAccessKey", "no AccessKeyId", "empty AccessKeyId", "no SessionToken", "empty SessionToken", "no Expiration",
        "10 KB AccessKeyId", "1 MB SessionToken", "AccessKeyId with markup", "no Credentials",
    ];

    [Theory]
    [MemberData(nameof(Breakages))]
    public async Task GetCredentialsAsync_Malformed200EveryAttempt_FailsAsTransientMalformedResponseAfterRetries(string breakage)
    {
        await using var provider = _fixture.Create();
        EnqueueBroken(breakage, times: 4);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("MalformedResponse", error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.Equal(4, error.Attempts);
        Assert.Equal(4, _fixture.Sts.CallCount);
        Assert.DoesNotContain("SECRET", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("TOKEN", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Breakages))]
    public async Task GetCredentialsAsync_OneMalformed200_IsRetriedAndTheNextAnswerServes(string breakage)
    {
        await using var provider = _fixture.Create();
        EnqueueBroken(breakage, times: 1);

        var credentials = await provider.GetCredentialsAsync();

        Assert.NotEmpty(credentials.SessionToken);
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task GetCredentialsAsync_GarbledExpiration_IsMalformedResponseAndTransient()
    {
        await using var provider = _fixture.Create();
        for (var i = 0; i < 4; i++)
        {
            // What the SDK's unmarshaller throws on a timestamp it cannot parse.
            _fixture.Sts.EnqueueException(new FormatException("String 'SECRETnot-a-date' was not recognized as a valid DateTime."));
        }

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("MalformedResponse", error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.DoesNotContain("SECRETnot-a-date", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCredentialsAsync_Malformed200_IsNotCachedAsATerminalError()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.MaxRetryAttempts = 0;
        await using var provider = _fixture.Create(options);
        EnqueueBroken("no SessionToken", times: 1);

        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());
        // Past the shared outage backoff (1 s at most after one failure) but well inside ErrorCacheDuration (5 s): a
        // terminal error would still be answered from the error cache here.
        _fixture.Time.Advance(TimeSpan.FromSeconds(2));
        var credentials = await provider.GetCredentialsAsync();

        Assert.NotEmpty(credentials.SessionToken);
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public void Check_ValidResponse_Passes()
    {
        var response = new AssumeRoleResponse
        {
            Credentials = new Credentials
            {
                AccessKeyId = "ASIAIOSFODNN7EXAMPLE", SecretAccessKey = new string('s', 40), SessionToken = new string('t', 900),
                Expiration = DateTime.UtcNow,
            },
        };

        StsResponses.Check(response);
        StsResponses.Check(new GetCallerIdentityResponse());
    }

    private void EnqueueBroken(string breakage, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _fixture.Sts.Enqueue((call, _) =>
            {
                var response = _fixture.Sts.Success(call);
                var c = response.Credentials;
                switch (breakage)
                {
                    case "no SecretAccessKey": c.SecretAccessKey = null; break;
                    case "no AccessKeyId": c.AccessKeyId = null; break;
                    case "empty AccessKeyId": c.AccessKeyId = string.Empty; break;
                    case "no SessionToken": c.SessionToken = null; break;
                    case "empty SessionToken": c.SessionToken = string.Empty; break;
                    case "no Expiration": c.Expiration = null; break;
                    case "10 KB AccessKeyId": c.AccessKeyId = "ASIA" + new string('A', 10 * 1024); break;
                    case "1 MB SessionToken": c.SessionToken = new string('T', 1024 * 1024); break;
                    case "AccessKeyId with markup": c.AccessKeyId = string.Concat("<html>", "ASIAEXAMPLE</html>"); break;
                    case "no Credentials": response.Credentials = null; break;
                }

                return Task.FromResult(response);
            });
        }
    }
}
