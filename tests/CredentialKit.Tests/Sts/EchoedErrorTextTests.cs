using System.Net;
using Amazon.Runtime;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Sts;

/// <summary>Text echoed by STS or by a proxy in front of it reaches messages and logs only cut, folded and masked.</summary>
public class EchoedErrorTextTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string Token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDiXXJf2Lf3YzCkn+Sx9jgGs2wFzRm0o2KD8Xsd0w7Gf";
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task GetCredentialsAsync_ProxyForbiddenPageEchoingASecret_NeverRepeatsItInMessageLogOrInnerException()
    {
        await using var provider = _fixture.Create();
        var page = $"<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1><p>request X-Amz-Security-Token={Token} " +
                   $"key {Secret} AKIAIOSFODNN7EXAMPLE</p>{new string('x', 5000)}</body></html>";
        _fixture.Sts.EnqueueError("AccessDenied", HttpStatusCode.Forbidden, page);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        var everything = string.Join("\n", _fixture.Logs.Records.SelectMany(r => r.AllText()).Append(error.ToString()));
        Assert.DoesNotContain(Secret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Token[..30], everything, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAIOSFODNN7EXAMPLE", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("<html>", error.Message, StringComparison.Ordinal);
        Assert.Contains("403 Forbidden Forbidden request", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 600, error.Message);
        var inner = Assert.IsAssignableFrom<AmazonServiceException>(error.InnerException);
        Assert.Equal("AccessDenied", inner.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, inner.StatusCode);
    }

    [Fact]
    public async Task GetCredentialsAsync_StsOwnMessage_IsKeptAsWritten()
    {
        await using var provider = _fixture.Create();
        const string Message = "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/hub";
        var original = StsStub.Error("AccessDenied", HttpStatusCode.Forbidden, Message);
        _fixture.Sts.EnqueueException(original);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.EndsWith(Message, error.Message, StringComparison.Ordinal);
        Assert.Same(original, error.InnerException);
    }

    [Fact]
    public async Task GetCredentialsAsync_ErrorCodeThatIsNotAnIdentifier_IsReplacedByTheHttpStatus()
    {
        await using var provider = _fixture.Create();
        _fixture.Sts.EnqueueError($"<b>{Secret}</b>", HttpStatusCode.Forbidden);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("403", error.ErrorCode);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_fixture.Logs.Records.SelectMany(r => r.AllText()), t => t.Contains(Secret, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("plain words stay", "plain words stay")]
    [InlineData("line\r\nbreaks\tand\u0000controls", "line breaks and controls")]
    [InlineData("key " + Secret + " end", "key [masked] end")]
    [InlineData("id AKIAIOSFODNN7EXAMPLE end", "id AKIA…MPLE end")]
    [InlineData("<p>Access <i>denied</i></p>", "Access denied")]
    [InlineData("AssumeRoleWithWebIdentity MaxSessionDuration", "AssumeRoleWithWebIdentity MaxSessionDuration")]
    public void Echoed_MakesTextSafe(string text, string expected) => Assert.Equal(expected, SecretRedaction.Echoed(text));

    [Fact]
    public void Echoed_LongText_IsCut()
    {
        var echoed = SecretRedaction.Echoed(string.Join(' ', Enumerable.Repeat("word", 10_000)));

        Assert.Equal(SecretRedaction.MaxEchoedLength + 1, echoed.Length);
        Assert.EndsWith("…", echoed, StringComparison.Ordinal);
    }
}
