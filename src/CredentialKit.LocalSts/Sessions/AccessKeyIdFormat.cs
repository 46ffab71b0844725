using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace CredentialKit.LocalSts.Sessions;

/// <summary>
/// AWS's access key id format: a four-letter prefix (<c>ASIA</c> temporary, <c>AKIA</c> long-term), then ten bytes in base32
/// whose first six carry the account id (shifted left by seven bits). This is how GetAccessKeyInfo names the account of any key.
/// </summary>
internal static class AccessKeyIdFormat
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const int PayloadBytes = 10;
    private const int Length = 20;
    private const long AccountMask = 0x7FFF_FFFF_FF80;

    /// <summary>A new temporary access key id of <paramref name="accountId"/> (12 digits), random apart from the account.</summary>
    public static string NewTemporary(string accountId)
    {
        Span<byte> payload = stackalloc byte[PayloadBytes];
        RandomNumberGenerator.Fill(payload);
        var account = long.Parse(accountId, NumberStyles.None, CultureInfo.InvariantCulture);
        Span<byte> head = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(head, (account << 7) | (long)(payload[5] & 0x7F));
        head[2..].CopyTo(payload); // the low six bytes of the 64-bit value: 47 bits, top bit clear
        return "ASIA" + ToBase32(payload);
    }

    /// <summary>The account id encoded in an AWS-format access key id, or <see langword="null"/> when it is not in that format.</summary>
    public static string? TryReadAccount(string accessKeyId)
    {
        if (accessKeyId.Length != Length || !(accessKeyId.StartsWith("ASIA", StringComparison.Ordinal) || accessKeyId.StartsWith("AKIA", StringComparison.Ordinal)))
        {
            return null;
        }

        Span<byte> payload = stackalloc byte[PayloadBytes];
        var bits = 0L;
        var count = 0;
        var written = 0;
        foreach (var c in accessKeyId.AsSpan(4))
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }

            bits = (bits << 5) | (long)value;
            count += 5;
            if (count >= 8)
            {
                count -= 8;
                payload[written++] = (byte)(bits >> count);
            }
        }

        Span<byte> head = stackalloc byte[sizeof(long)];
        payload[..6].CopyTo(head[2..]);
        var account = (BinaryPrimitives.ReadInt64BigEndian(head) & AccountMask) >> 7;
        return account.ToString("D12", CultureInfo.InvariantCulture);
    }

    private static string ToBase32(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length * 8 / 5];
        var bits = 0;
        var count = 0;
        var written = 0;
        foreach (var b in bytes)
        {
            bits = (bits << 8) | b;
            count += 8;
            while (count >= 5)
            {
                count -= 5;
                chars[written++] = Alphabet[(bits >> count) & 0x1F];
            }
        }

        return new string(chars);
    }
}
