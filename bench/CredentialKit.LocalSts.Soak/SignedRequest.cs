using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CredentialKit.LocalSts.Soak;

/// <summary>
/// One SigV4-signed Query request, signed once and replayed: with the skew check off a signature stays valid, so every
/// request still goes through signature verification without the soak paying for signing.
/// </summary>
internal sealed class SignedRequest
{
    private readonly Uri _url;
    private readonly string? _body;
    private readonly Dictionary<string, string> _headers;

    private SignedRequest(Uri url, string? body, Dictionary<string, string> headers) => (_url, _body, _headers) = (url, body, headers);

    public static SignedRequest Post(Uri endpoint, string body, string accessKeyId, string secret, DateTimeOffset signedAt)
    {
        var amzDate = signedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var payloadHash = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = "application/x-www-form-urlencoded; charset=utf-8",
            ["host"] = endpoint.Authority,
            ["x-amz-content-sha256"] = payloadHash,
            ["x-amz-date"] = amzDate,
        };
        var signed = string.Join(';', headers.Keys);
        var canonical = $"POST\n/\n\n{string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n"))}\n{signed}\n{payloadHash}";
        var scope = $"{amzDate[..8]}/us-east-1/sts/aws4_request";
        var signature = Sign(secret, amzDate, scope, canonical);
        var sent = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["x-amz-date"] = amzDate,
            ["x-amz-content-sha256"] = payloadHash,
            ["Authorization"] = $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signed}, Signature={signature}",
        };
        return new SignedRequest(endpoint, body, sent);
    }

    // Valid for the longest X-Amz-Expires (7 days): the soak's clock covers hours of server time.
    public static SignedRequest PresignedGet(Uri endpoint, string accessKeyId, string secret, DateTimeOffset signedAt)
    {
        var amzDate = signedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var scope = $"{amzDate[..8]}/us-east-1/sts/aws4_request";
        var query = "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + $"&X-Amz-Credential={Uri.EscapeDataString($"{accessKeyId}/{scope}")}&X-Amz-Date={amzDate}&X-Amz-Expires=604800&X-Amz-SignedHeaders=host";
        var canonicalQuery = string.Join('&', query.Split('&').Order(StringComparer.Ordinal));
        var canonical = $"GET\n/\n{canonicalQuery}\nhost:{endpoint.Authority}\n\nhost\n{Hex(SHA256.HashData([]))}";
        var signature = Sign(secret, amzDate, scope, canonical);
        return new SignedRequest(new Uri(endpoint, $"/?{query}&X-Amz-Signature={signature}"), null, new Dictionary<string, string>());
    }

    public HttpRequestMessage Create()
    {
        var message = new HttpRequestMessage(_body is null ? HttpMethod.Get : HttpMethod.Post, _url);
        if (_body is not null)
        {
            message.Content = new StringContent(_body, Encoding.UTF8, "application/x-www-form-urlencoded");
            message.Content.Headers.ContentType!.CharSet = "utf-8";
        }

        foreach (var (name, value) in _headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    private static string Sign(string secret, string amzDate, string scope, string canonical)
    {
        var parts = scope.Split('/');
        var key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in parts)
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
