using System.Text;
using CredentialKit.LocalSts.Signing;

namespace CredentialKit.LocalSts.Tests.Signing;

/// <summary>The published AWS SigV4 examples (docs "Create a signed AWS API request", aws-sig-v4-test-suite get-vanilla).</summary>
public sealed class SigV4Tests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string AmzDate = "20150830T123600Z";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static string IamCanonicalRequest() => SigV4.CanonicalRequest(
        "GET", "/", SigV4.CanonicalQuery("Version=2010-05-08&Action=ListUsers"),
        [new("content-type", "application/x-www-form-urlencoded; charset=utf-8"), new("host", "iam.amazonaws.com"), new("x-amz-date", AmzDate)],
        "content-type;host;x-amz-date", EmptyHash);

    [Fact]
    public void CanonicalRequest_IamListUsersExample_MatchesPublishedText()
    {
        var expected = "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n" + EmptyHash;

        Assert.Equal(expected, IamCanonicalRequest());
        Assert.Equal("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59", SigV4.HexSha256(Encoding.UTF8.GetBytes(IamCanonicalRequest())));
    }

    [Fact]
    public void StringToSign_IamListUsersExample_MatchesPublishedText()
    {
        var stringToSign = SigV4.StringToSign(AmzDate, "20150830/us-east-1/iam/aws4_request", IamCanonicalRequest());

        Assert.Equal("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59", stringToSign);
    }

    [Fact]
    public void SigningKey_IamExample_MatchesPublishedDerivation()
    {
        var key = SigV4.SigningKey(Secret, "20150830", "us-east-1", "iam");

        Assert.Equal("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9", Convert.ToHexStringLower(key));
    }

    [Fact]
    public void Signature_IamExample_MatchesPublishedSignature()
    {
        var stringToSign = SigV4.StringToSign(AmzDate, "20150830/us-east-1/iam/aws4_request", IamCanonicalRequest());

        var signature = SigV4.Signature(SigV4.SigningKey(Secret, "20150830", "us-east-1", "iam"), stringToSign);

        Assert.Equal("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", signature);
    }

    [Fact]
    public void Signature_TestSuiteGetVanilla_MatchesPublishedSignature()
    {
        var canonical = SigV4.CanonicalRequest("GET", SigV4.CanonicalUri("/"), SigV4.CanonicalQuery(string.Empty),
            [new("host", "example.amazonaws.com"), new("x-amz-date", AmzDate)], "host;x-amz-date", EmptyHash);

        var signature = SigV4.Signature(SigV4.SigningKey(Secret, "20150830", "us-east-1", "service"),
            SigV4.StringToSign(AmzDate, "20150830/us-east-1/service/aws4_request", canonical));

        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", signature);
    }

    [Theory]
    [InlineData("b=2&a=1", "a=1&b=2")]
    [InlineData("a=2&a=1", "a=1&a=2")]
    [InlineData("x=a%20b&y=~-._", "x=a%20b&y=~-._")]
    [InlineData("k=a+b", "k=a%2Bb")]
    public void CanonicalQuery_UnorderedOrEncoded_SortsAndEncodesRfc3986(string raw, string expected) =>
        Assert.Equal(expected, SigV4.CanonicalQuery(raw));

    [Fact]
    public void CanonicalHeaderValue_SequentialSpaces_Collapsed() =>
        Assert.Equal("a b c", SigV4.CanonicalHeaderValue("  a   b c "));

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc", "Authorization header requires 'Credential' parameter. ")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/sts/aws4_request", "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. ")]
    public void AuthorizationHeader_MissingParts_DescribesWhatIsMissing(string header, string error)
    {
        Assert.Null(AuthorizationHeader.TryParse(header, out var message));
        Assert.Equal(error, message);
    }
}
