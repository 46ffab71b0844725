using System.Globalization;
using System.Text;

namespace CredentialKit;

/// <summary>Renders values for validation messages: short, unambiguous, and in the notation configuration uses.</summary>
internal static class ValueText
{
    /// <summary>Values longer than this are cut, so a pasted document cannot flood a start-up error.</summary>
    private const int MaxShown = 256;

    /// <summary>Returns <paramref name="value"/>, cut to its first characters when it is very long.</summary>
    public static string Shorten(string value) =>
        value.Length <= MaxShown ? value : string.Concat(value.AsSpan(0, MaxShown), "…");

    /// <summary>Returns <paramref name="value"/> in single quotes (shortened), for values that are not secret.</summary>
    public static string Quote(string value) => $"'{Shorten(value)}'";

    /// <summary>Formats a duration as configuration writes it (<c>00:15:00</c>, <c>00:00:00.01</c>).</summary>
    public static string Duration(TimeSpan value)
    {
        var text = value.ToString("c", CultureInfo.InvariantCulture);
        return text.LastIndexOf('.') > text.LastIndexOf(':') ? text.TrimEnd('0') : text;
    }

    /// <summary>Formats a number the way configuration writes it, whatever the current culture.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Describes one character: <c>' '</c> or <c>'é' (U+00E9)</c>, and only the code point for invisible ones.</summary>
    public static string Character(Rune rune)
    {
        var code = $"U+{rune.Value:X4}";
        if (rune.Value is >= 0x20 and <= 0x7E)
        {
            return $"'{rune}'";
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => code,
            _ => $"'{rune}' ({code})",
        };
    }

    /// <summary>Describes a count with its unit, in the singular when it is one.</summary>
    public static string Count(int count, string unit) => count == 1 ? $"1 {unit}" : $"{count} {unit}s";
}
