using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CredentialKit.LocalSts.Model;
using CredentialKit.LocalSts.Operations;
using CredentialKit.LocalSts.Protocol;
using CredentialKit.LocalSts.Sessions;

namespace CredentialKit.LocalSts.Signing;

/// <summary>Authenticates a request: parses the SigV4 Authorization header, resolves the access key, recomputes the signature.</summary>
internal sealed class SigV4Verifier(IdentityStore identities, SessionStore sessions, LocalStsOptions options, TimeProvider time)
{
    /// <summary>The request as signed: method, raw path and query, headers (any case), body.</summary>
    public sealed record SignedRequest(string Method, string RawPath, string RawQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body);

    /// <summary>Returns the caller, <see langword="null"/> for an unsigned request, or throws the STS authentication error.</summary>
    public Caller? Authenticate(SignedRequest request)
    {
        if (!request.Headers.TryGetValue("authorization", out var header) || string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var auth = AuthorizationHeader.TryParse(header, out var parseError)
            ?? throw new StsException(StsErrorCodes.IncompleteSignature, parseError!);

        if (auth.Service != "sts")
        {
            throw new StsException(StsErrorCodes.SignatureDoesNotMatch, "Credential should be scoped to correct service: 'sts'. ", 403);
        }

        if (auth.Terminator != "aws4_request")
        {
            throw new StsException(StsErrorCodes.SignatureDoesNotMatch,
                $"Credential should be scoped with a valid terminator: 'aws4_request', not '{auth.Terminator}'. ", 403);
        }

        if (!request.Headers.TryGetValue("x-amz-date", out var amzDate) || string.IsNullOrEmpty(amzDate))
        {
            throw new StsException(StsErrorCodes.IncompleteSignature,
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        var caller = Resolve(auth.AccessKeyId, request.Headers.GetValueOrDefault("x-amz-security-token"), out var secret);

        if (options.VerifySignatures)
        {
            Verify(request, auth, amzDate, secret);
        }

        if (options.MaxRequestSkew is { } skew)
        {
            CheckSkew(amzDate, skew);
        }

        if (caller.Session is { } session && session.IsExpiredAt(time.GetUtcNow()))
        {
            throw new StsException(StsErrorCodes.ExpiredToken, StsErrorCodes.ExpiredTokenMessage, 403);
        }

        return caller;
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

        throw new StsException(StsErrorCodes.InvalidClientTokenId, StsErrorCodes.InvalidClientTokenIdMessage, 403);
    }

    private static void Verify(SignedRequest request, AuthorizationHeader auth, string amzDate, string secret)
    {
        if (!amzDate.StartsWith(auth.Date, StringComparison.Ordinal))
        {
            throw new StsException(StsErrorCodes.SignatureDoesNotMatch,
                $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{auth.Date}' != '{amzDate[..Math.Min(8, amzDate.Length)]}', from '{amzDate}'.", 403);
        }

        var signedNames = auth.SignedHeaders.Split(';');
        if (!signedNames.Contains("host"))
        {
            throw new StsException(StsErrorCodes.SignatureDoesNotMatch, "'Host' must be a 'SignedHeader' in the AWS Authorization.", 403);
        }

        var canonicalHeaders = signedNames
            .Select(n => new KeyValuePair<string, string>(n, SigV4.CanonicalHeaderValue(request.Headers.GetValueOrDefault(n) ?? string.Empty)))
            .ToList();
        var canonical = SigV4.CanonicalRequest(
            request.Method, SigV4.CanonicalUri(request.RawPath), SigV4.CanonicalQuery(request.RawQuery),
            canonicalHeaders, auth.SignedHeaders, SigV4.HexSha256(request.Body));
        var stringToSign = SigV4.StringToSign(amzDate, auth.Scope, canonical);
        var expected = SigV4.Signature(SigV4.SigningKey(secret, auth.Date, auth.Region, auth.Service), stringToSign);

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(auth.Signature)))
        {
            throw new StsException(StsErrorCodes.SignatureDoesNotMatch, StsErrorCodes.SignatureDoesNotMatchMessage, 403);
        }
    }

    private void CheckSkew(string amzDate, TimeSpan skew)
    {
        var now = time.GetUtcNow();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
        {
            throw new StsException(StsErrorCodes.IncompleteSignature, $"Date must be in ISO-8601 'basic format'. Got '{amzDate}'.");
        }

        if ((now - signedAt).Duration() > skew)
        {
            throw new StsException(StsErrorCodes.RequestExpired,
                $"Request has expired: signed at {amzDate}, server time {now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}, allowed skew {skew}.");
        }
    }
}
