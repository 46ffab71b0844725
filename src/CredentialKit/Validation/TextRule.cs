using System.Text;

namespace CredentialKit;

/// <summary>
/// An STS string constraint: a length range and a character set, checked per Unicode scalar value (as Smithy's
/// <c>length</c> trait counts) and without .NET's <c>\w</c>, which would also admit non-ASCII letters.
/// </summary>
/// <param name="Min">The least number of characters.</param>
/// <param name="Max">The most characters.</param>
/// <param name="IsAllowed">Whether one character is in the set.</param>
/// <param name="CharacterSet">The set as messages state it, for example <c>A–Z a–z 0–9 _</c>.</param>
internal sealed record TextRule(int Min, int Max, Func<Rune, bool> IsAllowed, string CharacterSet)
{
    /// <summary>Gets the allowed values as messages state them, for example <c>2–64 characters of A–Z a–z 0–9 _</c>.</summary>
    public string Allowed { get; } = $"{Min}–{Max} characters of {CharacterSet}"; // rendered once: validation of a valid value allocates nothing

    /// <summary>Whether <paramref name="value"/> passes <see cref="Check"/>; allocation-free, for the common valid case.</summary>
    public bool IsValid(string value) => Scan(value, out var length) < 0 && length >= Min && length <= Max;

    /// <summary>
    /// Counts the characters of <paramref name="value"/> (Unicode scalar values) and finds the first one outside the set.
    /// </summary>
    /// <returns>The UTF-16 index of the first character outside the set (or not decodable), or -1.</returns>
    private int Scan(string value, out int length)
    {
        length = 0;
        var firstBad = -1;
        for (var i = 0; i < value.Length; length++)
        {
            var status = Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var consumed);
            if (firstBad < 0 && (status != System.Buffers.OperationStatus.Done || !IsAllowed(rune)))
            {
                firstBad = i;
            }

            i += consumed;
        }

        return firstBad;
    }

    /// <summary>
    /// Returns what is wrong with <paramref name="value"/> (its length, its first character outside the set), or nothing.
    /// </summary>
    /// <param name="value">The value to check.</param>
    /// <param name="showCharacter">
    /// Whether a message may show the offending character; <see langword="false"/> for values that must not leak
    /// (an external id), which are then described by position only.
    /// </param>
    public IEnumerable<string> Check(string value, bool showCharacter = true)
    {
        var firstBad = Scan(value, out var length);
        if (length < Min || length > Max)
        {
            yield return length == 0 ? "is empty" : $"is {ValueText.Count(length, "character")} long";
        }

        if (firstBad >= 0)
        {
            yield return showCharacter
                ? $"contains {Shown(value, firstBad)} which is not allowed"
                : $"contains a character that is not allowed at position {PositionOf(value, firstBad)}";
        }
    }

    private static string Shown(string value, int index) =>
        Rune.DecodeFromUtf16(value.AsSpan(index), out var rune, out _) == System.Buffers.OperationStatus.Done
            ? ValueText.Character(rune)
            : $"U+{(int)value[index]:X4}";

    /// <summary>The 1-based position, in characters (Unicode scalar values), of the UTF-16 index <paramref name="index"/>.</summary>
    private static int PositionOf(string value, int index)
    {
        var position = 1;
        for (var i = 0; i < index; position++)
        {
            Rune.DecodeFromUtf16(value.AsSpan(i), out _, out var consumed);
            i += consumed;
        }

        return position;
    }

    /// <summary>Whether <paramref name="c"/> is an ASCII letter, digit or underscore: the <c>\w</c> of Java and Smithy.</summary>
    public static bool IsWord(Rune c) =>
        c.Value is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_';

    /// <summary>Whether <paramref name="c"/> is a word character or one of <paramref name="others"/>.</summary>
    public static bool IsWordOr(Rune c, string others) =>
        IsWord(c) || (c.IsAscii && others.Contains((char)c.Value, StringComparison.Ordinal));
}
