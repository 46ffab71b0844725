using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace CredentialKit;

/// <summary>
/// Tells a service's refusal of the credentials a request was signed with (the session expired or was revoked) from every
/// other error, whatever the service's error shape (Query XML, REST-XML, JSON), and reads which access key signed a request.
/// </summary>
/// <remarks>
/// Clock-skew refusals (<c>RequestTimeTooSkewed</c>, <c>RequestExpired</c>, <c>SignatureDoesNotMatch</c> … "Signature
/// expired") are not credential rejections: a new session would be refused the same way, and the SDK corrects its clock and
/// retries those itself. <c>AccessDenied</c> is a policy's answer to valid credentials, so it is not one either.
/// </remarks>
internal static class CredentialRejection
{
    private static readonly HashSet<string> RejectionCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "ExpiredToken",            // STS and other Query services, S3 (REST-XML)
        "ExpiredTokenException",   // JSON services (DynamoDB, SQS's JSON protocol, …)
        "InvalidClientTokenId",    // the key id is unknown: the session was revoked or ended
        "InvalidToken",            // S3: the session token is malformed or no longer valid
        "TokenRefreshRequired",    // S3: "The provided token must be refreshed"
    };

    private static readonly HashSet<string> ClockSkewCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "SignatureDoesNotMatch", "InvalidSignatureException",
    };

    // Every service words the refusal of a session token this way, whatever code it files it under
    // (DynamoDB: UnrecognizedClientException "The security token included in the request is invalid.").
    private const string TokenMessagePrefix = "The security token included in the request is ";

    /// <summary>Whether <paramref name="exception"/> says the service refused the credentials the request was signed with.</summary>
    public static bool IsCredentialRejection(Exception exception)
    {
        if (exception is not AmazonServiceException service)
        {
            return false;
        }

        var code = BareCode(service.ErrorCode);
        if (code is not null && ClockSkewCodes.Contains(code))
        {
            return false;
        }

        if (code is not null && RejectionCodes.Contains(code))
        {
            return true;
        }

        var message = service.Message;
        return message is not null
            && message.StartsWith(TokenMessagePrefix, StringComparison.OrdinalIgnoreCase)
            && (message.AsSpan(TokenMessagePrefix.Length).StartsWith("expired", StringComparison.OrdinalIgnoreCase)
                || message.AsSpan(TokenMessagePrefix.Length).StartsWith("invalid", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The error code without a JSON shape's namespace (<c>com.amazonaws.dynamodb.v20120810#ExpiredTokenException</c>).</summary>
    public static string? BareCode(string? errorCode)
    {
        if (string.IsNullOrEmpty(errorCode))
        {
            return null;
        }

        var hash = errorCode.LastIndexOf('#');
        var bare = hash >= 0 ? errorCode[(hash + 1)..] : errorCode;
        var colon = bare.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? bare[..colon] : bare;
    }

    /// <summary>
    /// The access key id the signed <paramref name="request"/> carries (SigV4 and SigV4a: <c>Credential=AKID/…</c> in the
    /// <c>Authorization</c> header, or <c>X-Amz-Credential</c> for a query-signed request), or <see langword="null"/>.
    /// </summary>
    public static string? SignedAccessKeyId(IRequest request)
    {
        if (request.Headers.TryGetValue("Authorization", out var authorization) && authorization is not null)
        {
            const string Marker = "Credential=";
            var start = authorization.IndexOf(Marker, StringComparison.Ordinal);
            if (start >= 0)
            {
                start += Marker.Length;
                var end = authorization.IndexOf('/', start);
                return end > start ? authorization[start..end] : null;
            }
        }

        if (request.Parameters.TryGetValue("X-Amz-Credential", out var credential) && credential is not null)
        {
            var end = credential.IndexOf('/', StringComparison.Ordinal);
            return end > 0 ? credential[..end] : null;
        }

        return null;
    }
}
