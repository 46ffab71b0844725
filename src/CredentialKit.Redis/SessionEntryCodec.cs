using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace CredentialKit.Redis;

/// <summary>
/// Turns a session into a Redis value and back: a small JSON document, encrypted and authenticated with Data Protection.
/// The document names its hop, so an entry copied under another hop's key is refused like a tampered one.
/// </summary>
internal sealed class SessionEntryCodec(IDataProtector protector)
{
    private const int FormatVersion = 1;

    public byte[] Encode(string hopKey, SessionCredentials credentials)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", FormatVersion);
            json.WriteString("h", hopKey);
            json.WriteString("k", credentials.AccessKeyId);
            json.WriteString("s", credentials.SecretAccessKey);
            json.WriteString("t", credentials.SessionToken);
            json.WriteNumber("e", credentials.Expiration.ToUnixTimeMilliseconds());
            WriteOptional(json, "a", credentials.AssumedRoleArn);
            WriteOptional(json, "i", credentials.SourceIdentity);
            WriteOptional(json, "r", credentials.Region);
            if (credentials.PackedPolicySize is { } packed)
            {
                json.WriteNumber("p", packed);
            }

            json.WriteEndObject();
        }

        var plain = buffer.WrittenSpan.ToArray();
        try
        {
            return protector.Protect(plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
            buffer.Clear();
        }
    }

    /// <summary>Reads an entry; a value that does not authenticate or parse yields a reason and no session.</summary>
    /// <returns><see langword="null"/> when <paramref name="credentials"/> was read; otherwise why not (no content).</returns>
    public string? TryDecode(byte[] value, string hopKey, out SessionCredentials? credentials)
    {
        credentials = null;
        byte[] plain;
        try
        {
            plain = protector.Unprotect(value);
        }
        catch (CryptographicException)
        {
            // Tampered, truncated, written with another key ring, or not a Data Protection payload at all.
            return "not authenticated";
        }

        try
        {
            var reader = new Utf8JsonReader(plain);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("v", out var version) || version.GetInt32() != FormatVersion)
            {
                return "unknown format";
            }

            if (!string.Equals(root.GetProperty("h").GetString(), hopKey, StringComparison.Ordinal))
            {
                return "written for another hop";
            }

            credentials = new SessionCredentials(
                root.GetProperty("k").GetString()!,
                root.GetProperty("s").GetString()!,
                root.GetProperty("t").GetString(),
                DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("e").GetInt64()),
                Optional(root, "a"),
                Optional(root, "i"),
                root.TryGetProperty("p", out var packed) ? packed.GetInt32() : null,
                Optional(root, "r"));
            return null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            return "malformed";
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.GetString() : null;
}
