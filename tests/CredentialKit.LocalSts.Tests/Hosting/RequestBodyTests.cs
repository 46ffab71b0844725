using System.Net;
using System.Text;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Hosting;

/// <summary>Bodies are read bounded, inside the error handling: an oversized one gets STS's error shape and a journal entry.</summary>
public sealed class RequestBodyTests
{
    [Fact]
    public async Task Post_DeclaredLengthOverCap_Returns413ErrorResponseAndJournals()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        var body = RawSts.GetCallerIdentityQuery + "&Pad=" + new string('x', LocalStsDefaults.MaxRequestBodySize);

        using var response = await RawSts.PostAsync(server, body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var xml = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Code>RequestEntityTooLarge</Code>", xml, StringComparison.Ordinal);
        Assert.Contains("<RequestId>", xml, StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
        Assert.Equal("RequestEntityTooLarge", Assert.Single(server.Journal.Snapshot()).Outcome);
    }

    [Fact]
    public async Task Post_ChunkedBodyOverCap_Returns413()
    {
        var (server, _) = await Sts.StartDemoAsync(o => o.MaxRequestBodySize = 16 * 1024);
        await using var __ = server;
        var bytes = Encoding.UTF8.GetBytes(RawSts.GetCallerIdentityQuery + "&Pad=" + new string('x', 64 * 1024));
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint) { Content = new StreamContent(new MemoryStream(bytes)) };
        request.Headers.TransferEncodingChunked = true;

        using var response = await RawSts.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("<Code>RequestEntityTooLarge</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BodyOfLargestSamlAssertionSize_IsRead()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        // 100,000 base64 characters, a third of them percent-encoded (+ / =): the largest assertion STS accepts.
        var body = "Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fsso"
            + "&PrincipalArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Asaml-provider%2Fdemo-idp&SAMLAssertion="
            + string.Concat(Enumerable.Repeat("ab%2B", 33_334));

        using var response = await RawSts.PostAsync(server, body);

        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("<ErrorResponse", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(64 * 1024 * 1024)]
    public void Constructor_BodyCapOutOfRange_ThrowsNamingTheSetting(int size)
    {
        var options = LocalStsOptions.CreateDemo();
        options.MaxRequestBodySize = size;

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LocalStsServer(options));

        Assert.Equal(nameof(LocalStsOptions.MaxRequestBodySize), ex.ParamName);
        Assert.Contains("between 16384 and 31457280", ex.Message, StringComparison.Ordinal);
    }
}
