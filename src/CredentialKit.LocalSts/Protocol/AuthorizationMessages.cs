using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CredentialKit.LocalSts.Protocol;

/// <summary>
/// Encoded authorization failure messages, as AWS services append them to an <c>AccessDenied</c>
/// (<c>… Encoded authorization failure message: …</c>) and as <c>DecodeAuthorizationMessage</c> turns them back into JSON.
/// </summary>
/// <remarks>Like AWS's, a message is opaque: the JSON is sealed with AES-GCM under a key only this server holds, so only this
/// server can read it and a changed message is refused rather than decoded into something it never said.</remarks>
internal sealed class AuthorizationMessages
{
    public const string Separator = ". Encoded authorization failure message: ";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The message STS writes for <paramref name="denial"/>, with its encoded form appended.</summary>
    public string AppendEncoded(AuthorizationDenial denial) => denial.Message + Separator + Encode(denial);

    public string Encode(AuthorizationDenial denial)
    {
        var plain = Encoding.UTF8.GetBytes(ToJson(denial));
        var sealedMessage = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedMessage.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, sealedMessage.AsSpan(NonceBytes + TagBytes), sealedMessage.AsSpan(NonceBytes, TagBytes));
        return Convert.ToBase64String(sealedMessage).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The JSON document of a message this server encoded, or <see langword="null"/> for any other text.</summary>
    public string? TryDecode(string encoded)
    {
        var base64 = encoded.Trim().Replace('-', '+').Replace('_', '/');
        var sealedMessage = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='), sealedMessage, out var length))
        {
            return null;
        }

        sealedMessage = sealedMessage[..length];
        if (sealedMessage.Length < NonceBytes + TagBytes)
        {
            return null;
        }

        var plain = new byte[sealedMessage.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(sealedMessage.AsSpan(0, NonceBytes), sealedMessage.AsSpan(NonceBytes + TagBytes), sealedMessage.AsSpan(NonceBytes, TagBytes), plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(plain);
    }

    // The shape of AWS's decoded messages (API reference, DecodeAuthorizationMessage): whether the request was allowed, whether an
    // explicit deny decided it, the statements that matched, and the request context. LocalSts has no policies, so no statement
    // ever matches and no explicit deny applies.
    private static string ToJson(AuthorizationDenial d) => new JsonObject
    {
        ["allowed"] = false,
        ["explicitDeny"] = false,
        ["matchedStatements"] = new JsonObject { ["items"] = new JsonArray() },
        ["failures"] = new JsonObject { ["items"] = new JsonArray() },
        ["context"] = new JsonObject
        {
            ["principal"] = new JsonObject { ["id"] = d.PrincipalId, ["arn"] = d.PrincipalArn },
            ["action"] = d.Action,
            ["resource"] = d.Resource,
            ["conditions"] = new JsonObject { ["items"] = new JsonArray() },
        },
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
