using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CredentialKit.LocalSts.Tokens;

/// <summary>A compact JWS (header.payload.signature) with HS256 verification.</summary>
internal sealed class JsonWebToken
{
    private JsonWebToken(JsonElement header, JsonElement payload, string signingInput, byte[] signature)
    {
        Header = header;
        Payload = payload;
        SigningInput = signingInput;
        Signature = signature;
    }

    public JsonElement Header { get; }

    public JsonElement Payload { get; }

    public string SigningInput { get; }

    public byte[] Signature { get; }

    public static JsonWebToken? TryParse(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var header = JsonDocument.Parse(Base64UrlDecode(parts[0])).RootElement;
            var payload = JsonDocument.Parse(Base64UrlDecode(parts[1])).RootElement;
            if (header.ValueKind != JsonValueKind.Object || payload.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new JsonWebToken(header, payload, parts[0] + "." + parts[1], Base64UrlDecode(parts[2]));
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return null;
        }
    }

    public bool VerifyHs256(string key) =>
        Header.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String && alg.GetString() == "HS256"
        && CryptographicOperations.FixedTimeEquals(Sign(SigningInput, key), Signature);

    public string? GetString(string claim) =>
        Payload.TryGetProperty(claim, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public long? GetNumber(string claim) =>
        Payload.TryGetProperty(claim, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    public IReadOnlyList<string> GetAudiences()
    {
        if (!Payload.TryGetProperty("aud", out var aud))
        {
            return [];
        }

        return aud.ValueKind switch
        {
            JsonValueKind.String => [aud.GetString()!],
            JsonValueKind.Array => [.. aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)],
            _ => [],
        };
    }

    public static byte[] Sign(string signingInput, string key) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(signingInput));

    public static string Base64UrlEncode(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Base64UrlDecode(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b.PadRight(b.Length + ((4 - (b.Length % 4)) % 4), '='));
    }
}
