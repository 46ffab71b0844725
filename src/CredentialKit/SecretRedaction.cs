using System.Text;
using System.Text.RegularExpressions;

namespace CredentialKit;

/// <summary>Renders identifiers for logs and messages without revealing secrets.</summary>
internal static partial class SecretRedaction
{
    /// <summary>What replaces a run of text shaped like a secret access key or a session token.</summary>
    public const string Masked = "[masked]";

    /// <summary>
    /// The longest STS or proxy error message repeated in an exception message or log. STS's own messages are one
    /// sentence; anything longer is a proxy page or a body echoed back, and its tail adds nothing a reader needs.
    /// </summary>
    public const int MaxEchoedLength = 256;

    /// <summary>
    /// Masks an access key id to its first four and last four characters (<c>ASIA…7XQZ</c>). Access key ids are not
    /// secret, but a full id in every log line helps an attacker correlate; the ends are enough to tell keys apart.
    /// </summary>
    public static string MaskAccessKeyId(string? accessKeyId) =>
        accessKeyId switch
        {
            null or "" => "(none)",
            { Length: <= 8 } => new string('*', accessKeyId.Length),
            _ => string.Concat(accessKeyId.AsSpan(0, 4), "…", accessKeyId.AsSpan(accessKeyId.Length - 4)),
        };

    /// <summary>
    /// Makes text that came from outside (an STS or proxy error message) safe to repeat: markup removed, control
    /// characters and runs of white space folded to one space, anything shaped like a secret masked, and the result cut
    /// to <see cref="MaxEchoedLength"/> characters.
    /// </summary>
    /// <returns>The safe text; empty when nothing readable is left.</returns>
    public static string Echoed(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        // Cut generously before the regexes so a multi-megabyte body costs little; cut exactly at the end.
        var work = text.Length > MaxEchoedLength * 16 ? text[..(MaxEchoedLength * 16)] : text;
        work = Markup().Replace(work, " ");
        work = Fold(work);
        work = MaskSecrets(work);
        return work.Length <= MaxEchoedLength ? work : string.Concat(work.AsSpan(0, MaxEchoedLength), "…");
    }

    /// <summary>
    /// Masks every run shaped like an AWS secret access key (40 base64 characters), a session token (hundreds of them)
    /// or an access key id (<c>AKIA</c>/<c>ASIA</c> and 16 more), and any shorter base64 run mixing letters and digits
    /// that is long enough to be a piece of one.
    /// </summary>
    public static string MaskSecrets(string text) =>
        SecretShaped().Replace(text, static match =>
        {
            var value = match.Value;
            if (AccessKeyIdShaped().IsMatch(value))
            {
                return MaskAccessKeyId(value);
            }

            if (value.Length >= 40 || (value.Any(char.IsAsciiDigit) && value.Any(char.IsAsciiLetter)))
            {
                return Masked;
            }

            return value;
        });

    private static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    [GeneratedRegex("<[^<>]{0,2000}>", RegexOptions.CultureInvariant)]
    private static partial Regex Markup();

    [GeneratedRegex("[A-Za-z0-9/+=]{20,}", RegexOptions.CultureInvariant)]
    private static partial Regex SecretShaped();

    [GeneratedRegex("^(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccessKeyIdShaped();
}
