using System.Net;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.SecurityToken.Model;

namespace CredentialKit.Tests.AwsSdk;

public class CredentialRejectionTests
{
    [Theory]
    [InlineData("ExpiredToken", "The security token included in the request is expired")]            // STS, Query XML
    [InlineData("ExpiredToken", "The provided token has expired.")]                                   // S3, REST-XML
    [InlineData("ExpiredTokenException", "The security token included in the request is expired")]   // DynamoDB, JSON
    [InlineData("com.amazon.coral.service#ExpiredTokenException", "expired")]                         // JSON __type, unstripped
    [InlineData("InvalidClientTokenId", "The security token included in the request is invalid.")]
    [InlineData("InvalidToken", "The provided token is malformed or otherwise invalid.")]             // S3
    [InlineData("UnrecognizedClientException", "The security token included in the request is invalid.")]   // DynamoDB
    [InlineData(null, "The security token included in the request is expired")]                       // any code, the wording
    public void IsCredentialRejection_RefusalOfTheSession_IsOne(string? code, string message) =>
        Assert.True(CredentialRejection.IsCredentialRejection(Service(code, message)));

    [Theory]
    [InlineData("AccessDenied", "Access Denied")]
    [InlineData("AccessDeniedException", "User is not authorized to perform: sqs:SendMessage")]
    [InlineData("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")]
    [InlineData("RequestExpired", "Request has expired.")]
    [InlineData("SignatureDoesNotMatch", "Signature expired: 20261208T020000Z is now earlier than 20261208T021500Z")]
    [InlineData("InvalidSignatureException", "Signature expired: 20261208T020000Z is now earlier than 20261208T021500Z")]
    [InlineData("SignatureDoesNotMatch", "The security token included in the request is expired")]   // a skew code wins over the wording
    [InlineData("Throttling", "Rate exceeded")]
    [InlineData("NoSuchKey", "The specified key does not exist.")]
    public void IsCredentialRejection_AnyOtherRefusal_IsNotOne(string code, string message) =>
        Assert.False(CredentialRejection.IsCredentialRejection(Service(code, message)));

    [Fact]
    public void IsCredentialRejection_StsTypedExceptionAndNonServiceErrors()
    {
        Assert.True(CredentialRejection.IsCredentialRejection(
            new ExpiredTokenException("The security token included in the request is expired") { ErrorCode = "ExpiredToken" }));
        Assert.False(CredentialRejection.IsCredentialRejection(new HttpRequestException("connection refused")));
        Assert.False(CredentialRejection.IsCredentialRejection(new AmazonClientException("The security token included in the request is expired")));
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE000000001/20261208/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=ab", "ASIAEXAMPLE000000001")]
    [InlineData("AWS4-ECDSA-P256-SHA256 Credential=ASIAEXAMPLE000000002/20261208/s3/aws4_request, SignedHeaders=host, Signature=ab", "ASIAEXAMPLE000000002")]
    [InlineData("Bearer abc", null)]
    public void SignedAccessKeyId_AuthorizationHeader_ReadsTheKeyId(string authorization, string? expected)
    {
        var request = new DefaultRequest(new Amazon.SecurityToken.Model.GetCallerIdentityRequest(), "STS");
        request.Headers["Authorization"] = authorization;

        Assert.Equal(expected, CredentialRejection.SignedAccessKeyId(request));
    }

    [Fact]
    public void SignedAccessKeyId_QuerySignedOrUnsigned()
    {
        var request = new DefaultRequest(new Amazon.SecurityToken.Model.GetCallerIdentityRequest(), "STS");
        Assert.Null(CredentialRejection.SignedAccessKeyId(request));

        request.Parameters["X-Amz-Credential"] = "ASIAEXAMPLE000000003/20261208/us-east-1/s3/aws4_request";
        Assert.Equal("ASIAEXAMPLE000000003", CredentialRejection.SignedAccessKeyId(request));
    }

    private static AmazonServiceException Service(string? code, string message) =>
        new(message, ErrorType.Sender, code, "request-id", HttpStatusCode.Forbidden);
}
