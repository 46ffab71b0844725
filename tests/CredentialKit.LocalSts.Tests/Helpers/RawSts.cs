using System.Globalization;
using System.Text;
using CredentialKit.LocalSts.Signing;

namespace CredentialKit.LocalSts.Tests.Helpers;

/// <summary>Sends hand-built (optionally SigV4-signed) Query requests, for wire-level assertions the SDK hides.</summary>
internal static class RawSts
{
    public const string GetCallerIdentityQuery = "Action=GetCallerIdentity&Version=2011-06-15";

    private static readonly HttpClient Http = new();

    public static Task<HttpResponseMessage> PostAsync(LocalStsServer server, string body, string? accessKeyId = null, string? secret = null,
        string? sessionToken = null, Action<HttpRequestMessage>? tamper = null, string service = "sts", string? authorization = null,
        DateTimeOffset? signedAt = null, string query = "", string region = "us-east-1")
    {
        var request = Build(server.Endpoint, body, accessKeyId, secret, sessionToken, service, signedAt, query, region);
        if (authorization is not null)
        {
            request.Headers.Remove("Authorization");
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        tamper?.Invoke(request);
        return Http.SendAsync(request);
    }

    public static Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => Http.SendAsync(request);

    public static HttpRequestMessage Build(Uri endpoint, string body, string? accessKeyId, string? secret, string? sessionToken,
        string service = "sts", DateTimeOffset? signedAt = null, string query = "", string region = "us-east-1")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, query.Length == 0 ? endpoint : new Uri(endpoint, "/?" + query))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Content.Headers.ContentType!.CharSet = "utf-8";
        if (accessKeyId is null || secret is null)
        {
            return request;
        }

        var amzDate = (signedAt ?? DateTimeOffset.UtcNow).ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var host = endpoint.Authority;
        var payloadHash = SigV4.HexSha256(Encoding.UTF8.GetBytes(body));
        var headers = new List<KeyValuePair<string, string>>
        {
            new("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
            new("host", host),
            new("x-amz-content-sha256", payloadHash),
            new("x-amz-date", amzDate),
        };
        if (sessionToken is not null)
        {
            headers.Add(new("x-amz-security-token", sessionToken));
        }

        var signed = string.Join(';', headers.Select(h => h.Key));
        var canonical = SigV4.CanonicalRequest("POST", "/", SigV4.CanonicalQuery(query), headers, signed, payloadHash);
        var scope = $"{date}/{region}/{service}/aws4_request";
        var signature = SigV4.Signature(SigV4.SigningKey(secret, date, region, service), SigV4.StringToSign(amzDate, scope, canonical));
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", payloadHash);
        if (sessionToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", sessionToken);
        }

        request.Headers.TryAddWithoutValidation("Authorization", $"{SigV4.Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={signed}, Signature={signature}");
        return request;
    }

    /// <summary>A presigned (query-string signed) GetCallerIdentity URL, as aws-iam-authenticator and botocore build it.</summary>
    public static Uri Presign(Uri endpoint, string accessKeyId, string secret, DateTimeOffset signedAt, int expiresSeconds = 60,
        string? sessionToken = null, IReadOnlyDictionary<string, string>? signedHeaders = null, bool unsignedPayload = false)
    {
        var amzDate = signedAt.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var scope = $"{date}/us-east-1/sts/aws4_request";
        var headers = new List<KeyValuePair<string, string>> { new("host", endpoint.Authority) };
        headers.AddRange((signedHeaders ?? new Dictionary<string, string>()).Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), h.Value)));
        headers.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var signedNames = string.Join(';', headers.Select(h => h.Key));
        var query = new StringBuilder(GetCallerIdentityQuery)
            .Append("&X-Amz-Algorithm=").Append(SigV4.Algorithm)
            .Append("&X-Amz-Credential=").Append(SigV4.Encode($"{accessKeyId}/{scope}"))
            .Append("&X-Amz-Date=").Append(amzDate)
            .Append("&X-Amz-Expires=").Append(expiresSeconds.ToString(CultureInfo.InvariantCulture))
            .Append("&X-Amz-SignedHeaders=").Append(SigV4.Encode(signedNames));
        if (sessionToken is not null)
        {
            query.Append("&X-Amz-Security-Token=").Append(SigV4.Encode(sessionToken));
        }

        var payload = unsignedPayload ? "UNSIGNED-PAYLOAD" : SigV4.HexSha256([]);
        var canonical = SigV4.CanonicalRequest("GET", "/", SigV4.CanonicalQuery(query.ToString()), headers, signedNames, payload);
        var signature = SigV4.Signature(SigV4.SigningKey(secret, date, "us-east-1", "sts"), SigV4.StringToSign(amzDate, scope, canonical));
        return new Uri(endpoint, "/?" + query + "&X-Amz-Signature=" + signature);
    }
}
