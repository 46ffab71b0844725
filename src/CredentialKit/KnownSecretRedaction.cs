using System.Text;

namespace CredentialKit;

/// <summary>
/// Removes from echoed text every piece of the secrets CredentialKit itself sent on the call (the signer's secret key and
/// session token, a web identity token, a SAML assertion, an MFA code), whatever the echo did to them: repeated
/// verbatim, URL-encoded (once or twice), JSON- or HTML-escaped, base64 or base64url encoded, wrapped with white space or
/// split by markup, or cut short.
/// </summary>
/// <remarks>
/// <para>
/// The shape-based mask (<see cref="SecretRedaction.MaskSecrets"/>) cannot know a JWT's pieces between its <c>.</c>,
/// <c>-</c> and <c>_</c>, a token wrapped every 16 characters, or a 6-digit code. Knowing the values, this matches pieces
/// instead of shapes: the text is read through one decoded view (escapes decoded, white space and markup skipped, each
/// character mapped back to the text it came from), and every run of <see cref="FragmentLength"/> characters that also
/// occurs in a secret (or in one of its base64 forms) is masked where it stands in the text. So no piece of a secret
/// longer than <see cref="FragmentLength"/> − 1 characters survives, in any of those forms.
/// </para>
/// <para>
/// Secrets shorter than <see cref="FragmentLength"/> (an MFA code) are masked wherever they occur whole. Pieces are
/// compared by a 64-bit rolling hash: a collision can only mask innocent text, never reveal a secret.
/// </para>
/// </remarks>
internal static class KnownSecretRedaction
{
    /// <summary>The length of the pieces compared: any run this long that a secret also contains is masked.</summary>
    public const int FragmentLength = 8;

    /// <summary>Secrets shorter than this are not worth masking (nothing CredentialKit sends is).</summary>
    private const int MinimumSecretLength = 4;

    private const ulong HashBase = 0x100000001B3;

    /// <summary>Returns <paramref name="text"/> with every piece of <paramref name="secrets"/> replaced by <see cref="SecretRedaction.Masked"/>.</summary>
    public static string Redact(string text, IReadOnlyCollection<string> secrets) => For(secrets).Redact(text);

    /// <summary>Prepares the pieces of <paramref name="secrets"/> once, for several texts of one failure.</summary>
    public static Redactor For(IReadOnlyCollection<string> secrets)
    {
        // Each secret and its six base64 forms (about 4/3 as long): sized once rather than grown.
        var fragments = new HashSet<ulong>(secrets.Sum(static s => s?.Length ?? 0) * 9);
        var shortSecrets = new List<string>();
        foreach (var secret in secrets)
        {
            if (secret is null || secret.Length < MinimumSecretLength)
            {
                continue;
            }

            if (secret.Length < FragmentLength)
            {
                shortSecrets.Add(secret);
                continue;
            }

            AddFragments(fragments, secret);
            foreach (var encoded in Base64Forms(secret))
            {
                AddFragments(fragments, encoded);
            }
        }

        return new Redactor(fragments, shortSecrets);
    }

    /// <summary>The pieces of a set of secrets, ready to be looked for in text.</summary>
    internal sealed class Redactor(HashSet<ulong> fragments, List<string> shortSecrets)
    {
        /// <summary>Returns <paramref name="text"/> with every piece of the secrets replaced by <see cref="SecretRedaction.Masked"/>.</summary>
        public string Redact(string text)
        {
            if (string.IsNullOrEmpty(text) || (fragments.Count == 0 && shortSecrets.Count == 0))
            {
                return text;
            }

            var view = DecodedView.Of(DecodedView.Of(text)); // twice: a URL-encoded value inside a URL-encoded URL
            var masked = new bool[text.Length];
            foreach (var secret in shortSecrets)
            {
                MarkWhole(view, secret, masked);
            }

            MarkFragments(view, fragments, masked);
            return Render(text, masked);
        }
    }

    private static void AddFragments(HashSet<ulong> fragments, string value)
    {
        if (value.Length < FragmentLength)
        {
            return;
        }

        var hash = 0UL;
        var top = Power();
        for (var i = 0; i < value.Length; i++)
        {
            if (i >= FragmentLength)
            {
                hash -= value[i - FragmentLength] * top;
            }

            hash = (hash * HashBase) + value[i];
            if (i >= FragmentLength - 1)
            {
                fragments.Add(hash);
            }
        }
    }

    private static void MarkFragments(DecodedView view, HashSet<ulong> fragments, bool[] masked)
    {
        if (fragments.Count == 0 || view.Length < FragmentLength)
        {
            return;
        }

        var hash = 0UL;
        var top = Power();
        for (var i = 0; i < view.Length; i++)
        {
            if (i >= FragmentLength)
            {
                hash -= view.Chars[i - FragmentLength] * top;
            }

            hash = (hash * HashBase) + view.Chars[i];
            if (i >= FragmentLength - 1 && fragments.Contains(hash))
            {
                view.Mark(i - FragmentLength + 1, i + 1, masked);
            }
        }
    }

    private static void MarkWhole(DecodedView view, string secret, bool[] masked)
    {
        var chars = view.Chars.AsSpan(0, view.Length);
        for (var from = 0; from + secret.Length <= chars.Length;)
        {
            var at = chars[from..].IndexOf(secret.AsSpan(), StringComparison.Ordinal);
            if (at < 0)
            {
                return;
            }

            view.Mark(from + at, from + at + secret.Length, masked);
            from += at + 1;
        }
    }

    /// <summary>HashBase^(FragmentLength-1): the weight of the character leaving the window.</summary>
    private static ulong Power()
    {
        var power = 1UL;
        for (var i = 1; i < FragmentLength; i++)
        {
            power *= HashBase;
        }

        return power;
    }

    /// <summary>
    /// The base64 and base64url text of the secret at each of the three byte alignments it can have inside a longer
    /// encoded value, without the first and last groups (they depend on the bytes around it).
    /// </summary>
    private static IEnumerable<string> Base64Forms(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        for (var pad = 0; pad < 3; pad++)
        {
            var padded = new byte[pad + bytes.Length];
            bytes.CopyTo(padded, pad);
            var encoded = Convert.ToBase64String(padded);
            var start = pad == 0 ? 0 : 4;
            if (encoded.Length - 4 - start < FragmentLength)
            {
                continue;
            }

            var core = encoded[start..^4];
            yield return core;
            yield return core.Replace('+', '-').Replace('/', '_');
        }
    }

    private static string Render(string text, bool[] masked)
    {
        if (Array.IndexOf(masked, true) < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (!masked[i])
            {
                builder.Append(text[i]);
            }
            else if (i == 0 || !masked[i - 1])
            {
                builder.Append(SecretRedaction.Masked);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Text as an echo's reader would decode it: <c>%XX</c>, <c>\uXXXX</c>, <c>\/</c>, <c>&amp;#NN;</c> and named
    /// entities decoded; white space (also escaped white space) and markup tags skipped. Each character keeps the range of
    /// the original text it was read from.
    /// </summary>
    private sealed class DecodedView
    {
        private readonly int[] _starts;
        private readonly int[] _ends;

        private DecodedView(char[] chars, int[] starts, int[] ends, int length)
        {
            Chars = chars;
            _starts = starts;
            _ends = ends;
            Length = length;
        }

        public char[] Chars { get; }

        public int Length { get; }

        public static DecodedView Of(string text)
        {
            var starts = new int[text.Length];
            var ends = new int[text.Length];
            for (var i = 0; i < text.Length; i++)
            {
                starts[i] = i;
                ends[i] = i + 1;
            }

            return Decode(text.ToCharArray(), text.Length, starts, ends);
        }

        public static DecodedView Of(DecodedView view) => Decode(view.Chars, view.Length, view._starts, view._ends);

        /// <summary>Masks the original text behind view characters <paramref name="from"/> (inclusive) to <paramref name="to"/>.</summary>
        public void Mark(int from, int to, bool[] masked)
        {
            for (var i = from; i < to; i++)
            {
                masked.AsSpan(_starts[i], _ends[i] - _starts[i]).Fill(true);
            }
        }

        private static DecodedView Decode(char[] source, int length, int[] sourceStarts, int[] sourceEnds)
        {
            var chars = new char[length];
            var starts = new int[length];
            var ends = new int[length];
            var n = 0;
            var i = 0;
            while (i < length)
            {
                var (decoded, consumed) = Read(source, length, i);
                if (decoded is { } c && !char.IsWhiteSpace(c) && !char.IsControl(c))
                {
                    chars[n] = c;
                    starts[n] = sourceStarts[i];
                    ends[n] = sourceEnds[i + consumed - 1];
                    n++;
                }

                i += consumed;
            }

            return new DecodedView(chars, starts, ends, n);
        }

        /// <summary>Reads one character (or a skipped tag) at <paramref name="i"/>; returns it and how many source characters it took.</summary>
        private static (char? Char, int Consumed) Read(char[] s, int length, int i)
        {
            var c = s[i];
            var left = length - i;
            switch (c)
            {
                case '%' when left >= 3 && IsHex(s[i + 1]) && IsHex(s[i + 2]):
                    return ((char)Hex(s, i + 1, 2), 3);
                case '\\' when left >= 6 && s[i + 1] == 'u' && IsHex(s[i + 2]) && IsHex(s[i + 3]) && IsHex(s[i + 4]) && IsHex(s[i + 5]):
                    return ((char)Hex(s, i + 2, 4), 6);
                case '\\' when left >= 2 && s[i + 1] is '/' or '\\' or '"' or '\'':
                    return (s[i + 1], 2);
                case '\\' when left >= 2 && s[i + 1] is 'n' or 'r' or 't' or 'b' or 'f':
                    return (null, 2);
                case '&' when Entity(s, length, i) is ({ } entity, var consumed):
                    return (entity, consumed);
                case '<' when TagLength(s, length, i) is > 0 and var tag:
                    return (null, tag);
                default:
                    return (c, 1);
            }
        }

        private static (char? Char, int Consumed) Entity(char[] s, int length, int i)
        {
            var semi = Array.IndexOf(s, ';', i + 1, Math.Min(10, length - i - 1));
            if (semi < 0)
            {
                return (null, 0);
            }

            var name = new string(s, i + 1, semi - i - 1);
            char? value = name switch
            {
                "amp" => '&', "lt" => '<', "gt" => '>', "quot" => '"', "apos" => '\'', "sol" => '/', "plus" => '+',
                "equals" => '=', "percnt" => '%', "lowbar" => '_', "period" => '.', "hyphen" or "dash" => '-', "nbsp" => ' ',
                ['#', 'x' or 'X', .. var hex] when hex.Length is > 0 and <= 6 && hex.All(IsHex) => (char)Convert.ToInt32(hex, 16),
                ['#', .. var dec] when dec.Length is > 0 and <= 7 && dec.All(char.IsAsciiDigit) && int.Parse(dec, System.Globalization.CultureInfo.InvariantCulture) <= char.MaxValue
                    => (char)int.Parse(dec, System.Globalization.CultureInfo.InvariantCulture),
                _ => null,
            };
            return value is null ? (null, 0) : (value, semi - i + 1);
        }

        private static int TagLength(char[] s, int length, int i)
        {
            for (var j = i + 1; j < length && j - i <= 2000; j++)
            {
                if (s[j] == '>')
                {
                    return j - i + 1;
                }

                if (s[j] == '<')
                {
                    return 0;
                }
            }

            return 0;
        }

        private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

        private static int Hex(char[] s, int from, int count)
        {
            var value = 0;
            for (var k = 0; k < count; k++)
            {
                var c = s[from + k];
                value = (value * 16) + (char.IsAsciiDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
            }

            return value;
        }
    }
}
