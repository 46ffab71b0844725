using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CredentialKit.LocalSts.Model;
using CredentialKit.LocalSts.Operations;
using CredentialKit.LocalSts.Protocol;
using CredentialKit.LocalSts.Sessions;

namespace CredentialKit.LocalSts.Signing;

/// <summary>
/// Authenticates a request signed with SigV4, either in the <c>Authorization</c> header or in the query string (a presigned
/// URL: <c>X-Amz-Algorithm</c>, <c>X-Amz-Credential</c>, <c>X-Amz-Date</c>, <c>X-Amz-Expires</c>, <c>X-Amz-SignedHeaders</c>,
/// <c>X-Amz-Signature</c>, optionally <c>X-Amz-Security-Token</c>): scope, clock skew, access key, signature, session expiry.
/// </summary>
internal sealed class SigV4Verifier(IdentityStore identities, SessionStore sessions, LocalStsOptions options, TimeProvider time)
{
    private const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>The request as signed: method, raw path and query, headers (lower-case names), body.</summary>
    public sealed record SignedRequest(string Method, string RawPath, string RawQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body);

    /// <summary>Returns the caller, <see langword="null"/> for an unsigned request, or throws the STS authentication error.</summary>
    public Caller? Authenticate(SignedRequest request)
    {
        var signature = request.Headers.TryGetValue("authorization", out var header) && !string.IsNullOrWhiteSpace(header)
            ? FromHeader(request, header)
            : PresignedQuery.TryParse(request.RawQuery) is { } query ? FromQuery(query) : null;
        if (signature is null)
        {
            return null;
        }

        var auth = signature.Auth;
        CheckScope(auth);
        if (!DateTimeOffset.TryParseExact(signature.AmzDate, AmzDateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
        {
            throw new StsException(StsErrorCodes.IncompleteSignature, $"Date must be in ISO-8601 'basic format'. Got '{signature.AmzDate}'. See http://en.wikipedia.org/wiki/ISO_8601");
        }

        CheckTime(signature, signedAt);
        var caller = Resolve(auth.AccessKeyId, signature.SecurityToken, out var secret);
        if (options.VerifySignatures)
        {
            Verify(request, signature, secret);
        }

        if (caller.Session is { } session && session.IsExpiredAt(time.GetUtcNow()))
        {
            throw new StsException(StsErrorCodes.ExpiredToken, StsErrorCodes.ExpiredTokenMessage, 403);
        }

        return caller;
    }

    private static RequestSignature FromHeader(SignedRequest request, string header)
    {
        var auth = AuthorizationHeader.TryParse(header, out var parseError)
            ?? throw new StsException(StsErrorCodes.IncompleteSignature, parseError!);
        if (!request.Headers.TryGetValue("x-amz-date", out var amzDate) || string.IsNullOrEmpty(amzDate))
        {
            throw new StsException(StsErrorCodes.IncompleteSignature,
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        return new RequestSignature(auth, amzDate, request.Headers.GetValueOrDefault("x-amz-security-token"), Presigned: null);
    }

    private static RequestSignature FromQuery(PresignedQuery query) =>
        new(query.Auth, query.AmzDate, query.SecurityToken, query);

    private void CheckScope(AuthorizationHeader auth)
    {
        if (auth.Service != "sts")
        {
            throw new StsException(StsErrorCodes.SignatureDoesNotMatch, "Credential should be scoped to correct service: 'sts'. ", 403);
        }

        if (auth.Terminator != "aws4_request")
        {
            throw new StsException(StsErrorCodes.SignatureDoesNotMatch,
                $"Credential should be scoped with a valid terminator: 'aws4_request', not '{auth.Terminator}'. ", 403);
        }

        if (options.AllowedRegions.Count > 0 && !options.AllowedRegions.Contains(auth.Region, StringComparer.Ordinal))
        {
            throw new StsException(StsErrorCodes.SignatureDoesNotMatch, $"Credential should be scoped to a valid region, not '{auth.Region}'.", 403);
        }
    }

    // sts-facts §4.1: a header-signed request more than the skew away from the server's clock, either way, is refused with
    // SignatureDoesNotMatch. A presigned one is not from the future either, and is good for 15 minutes after X-Amz-Date:
    // STS ignores X-Amz-Expires (kubectl re-uses an EKS token signed with 60 for 14 minutes; Terraform sends 0).
    private void CheckTime(RequestSignature signature, DateTimeOffset signedAt)
    {
        var now = time.GetUtcNow();
        if (options.MaxRequestSkew is { } skew)
        {
            var minutes = skew.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture);
            if (signature.Presigned is null && signedAt < now - skew)
            {
                throw new StsException(StsErrorCodes.SignatureDoesNotMatch,
                    $"Signature expired: {signature.AmzDate} is now earlier than {Format(now - skew)} ({Format(now)} - {minutes} min.)", 403);
            }

            if (signedAt > now + skew)
            {
                throw new StsException(StsErrorCodes.SignatureDoesNotMatch,
                    $"Signature not yet current: {signature.AmzDate} is still later than {Format(now + skew)} ({Format(now)} + {minutes} min.)", 403);
            }
        }

        if (signature.Presigned is not null && now > signedAt + LocalStsDefaults.PresignedRequestValidity)
        {
            throw new StsException(StsErrorCodes.RequestExpired, StsErrorCodes.PresignedExpiredMessage);
        }
    }

    private Caller Resolve(string accessKeyId, string? securityToken, out string secret)
    {
        if (identities.FindUserByAccessKey(accessKeyId) is var (account, user) && securityToken is null)
        {
            secret = user.SecretAccessKey;
            return new Caller(accessKeyId, account.AccountId, account.UserArn(user.UserName),
                IdentityStore.UserId(account.AccountId, user.UserName), user, null);
        }

        if (sessions.Find(accessKeyId) is { } session && securityToken == session.SessionToken)
        {
            secret = session.SecretAccessKey;
            var sessionUser = session.Kind == LocalStsSessionKind.SessionToken && session.SourceAccessKeyId is { } src
                ? identities.FindUserByAccessKey(src)?.User
                : null;
            return new Caller(accessKeyId, session.AccountId, session.Arn, session.UserId, sessionUser, session);
        }

        // A session dropped after it expired: its token still proves it was ours.
        if (sessions.HasEnded(accessKeyId, securityToken))
        {
            throw new StsException(StsErrorCodes.ExpiredToken, StsErrorCodes.ExpiredTokenMessage, 403);
        }

        throw new StsException(StsErrorCodes.InvalidClientTokenId, StsErrorCodes.InvalidClientTokenIdMessage, 403);
    }

    private static void Verify(SignedRequest request, RequestSignature signature, string secret)
    {
        var auth = signature.Auth;
        if (!signature.AmzDate.StartsWith(auth.Date, StringComparison.Ordinal))
        {
            throw new StsException(StsErrorCodes.SignatureDoesNotMatch,
                $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{auth.Date}' != '{signature.AmzDate[..Math.Min(8, signature.AmzDate.Length)]}', from '{signature.AmzDate}'.", 403);
        }

        var signedNames = auth.SignedHeaders.Split(';');
        if (!signedNames.Contains("host"))
        {
            throw new StsException(StsErrorCodes.SignatureDoesNotMatch, "'Host' must be a 'SignedHeader' in the AWS Authorization.", 403);
        }

        var canonicalHeaders = signedNames
            .Select(n => new KeyValuePair<string, string>(n, SigV4.CanonicalHeaderValue(request.Headers.GetValueOrDefault(n) ?? string.Empty)))
            .ToList();
        var canonicalQuery = SigV4.CanonicalQuery(signature.Presigned?.QueryWithoutSignature ?? request.RawQuery);
        var canonicalUri = SigV4.CanonicalUri(request.RawPath);
        var signingKey = SigV4.SigningKey(secret, auth.Date, auth.Region, auth.Service);

        bool Matches(string payloadHash)
        {
            var canonical = SigV4.CanonicalRequest(request.Method, canonicalUri, canonicalQuery, canonicalHeaders, auth.SignedHeaders, payloadHash);
            var expected = SigV4.Signature(signingKey, SigV4.StringToSign(signature.AmzDate, auth.Scope, canonical));
            return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(auth.Signature));
        }

        // Presigners differ on the payload: botocore and the Go SDK hash the (empty) body, others sign UNSIGNED-PAYLOAD.
        if (!Matches(SigV4.HexSha256(request.Body)) && !(signature.Presigned is not null && Matches(UnsignedPayload)))
        {
            throw new StsException(StsErrorCodes.SignatureDoesNotMatch, StsErrorCodes.SignatureDoesNotMatchMessage, 403);
        }
    }

    private static string Format(DateTimeOffset t) => t.UtcDateTime.ToString(AmzDateFormat, CultureInfo.InvariantCulture);

    private sealed record RequestSignature(AuthorizationHeader Auth, string AmzDate, string? SecurityToken, PresignedQuery? Presigned);
}
