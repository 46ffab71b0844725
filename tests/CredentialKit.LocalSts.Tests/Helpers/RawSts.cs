using System.Globalization;
using System.Text;
using CredentialKit.LocalSts.Signing;

namespace CredentialKit.LocalSts.Tests.Helpers;

/// <summary>Sends hand-built (optionally SigV4-signed) Query requests, for wire-level assertions the SDK hides.</summary>
internal static class RawSts
{
    private static readonly HttpClient Http = new();

    public static Task<HttpResponseMessage> PostAsync(LocalStsServer server, string body, string? accessKeyId = null, string? secret = null,
        string? sessionToken = null, Action<HttpRequestMessage>? tamper = null, string service = "sts", string? authorization = null)
    {
        var request = Build(server.Endpoint, body, accessKeyId, secret, sessionToken, service);
        if (authorization is not null)
        {
            request.Headers.Remove("Authorization");
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        tamper?.Invoke(request);
        return Http.SendAsync(request);
    }

    public static HttpRequestMessage Build(Uri endpoint, string body, string? accessKeyId, string? secret, string? sessionToken, string service = "sts")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Content.Headers.ContentType!.CharSet = "utf-8";
        if (accessKeyId is null || secret is null)
        {
            return request;
        }

        var amzDate = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
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
        var canonical = SigV4.CanonicalRequest("POST", "/", string.Empty, headers, signed, payloadHash);
        var scope = $"{date}/us-east-1/{service}/aws4_request";
        var signature = SigV4.Signature(SigV4.SigningKey(secret, date, "us-east-1", service), SigV4.StringToSign(amzDate, scope, canonical));
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", payloadHash);
        if (sessionToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", sessionToken);
        }

        request.Headers.TryAddWithoutValidation("Authorization", $"{SigV4.Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={signed}, Signature={signature}");
        return request;
    }
}
