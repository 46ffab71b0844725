using System.Globalization;
using System.Text.RegularExpressions;
using CredentialKit.LocalSts.Protocol;

namespace CredentialKit.LocalSts.Operations;

/// <summary>
/// Collects model-constraint violations and reports them in the Coral/Smithy wording STS uses:
/// <c>N validation error(s) detected: Value 'v' at 'path' failed to satisfy constraint: Member must …</c>, joined by <c>; </c>.
/// Secret-bearing members are shown as <c>*** Sensitive Data Redacted ***</c>, never echoed.
/// </summary>
internal sealed partial class ParameterValidator
{
    public const string Redacted = "*** Sensitive Data Redacted ***";
    public const string NamePatternText = @"[\w+=,.@-]*";
    public const string ExternalIdPatternText = @"[\w+=,.@:\/-]*";
    public const string SerialPatternText = @"[\w+=/:,.@-]*";
    public const string TokenCodePatternText = @"[\d]*";
    public const string AccessKeyIdPatternText = @"[\w]*";
    public const string TagKeyPatternText = @"[\p{L}\p{Z}\p{N}_.:/=+\-@]+";
    public const string TagValuePatternText = @"[\p{L}\p{Z}\p{N}_.:/=+\-@]*";
    public const string ArnPatternText = @"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+";
    public const string PolicyPatternText = @"[\u0009\u000A\u000D\u0020-\u00FF]+";

    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]*$")]
    public static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@:/-]*$")]
    public static partial Regex ExternalIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_+=/:,.@-]*$")]
    public static partial Regex SerialPattern();

    [GeneratedRegex(@"^[0-9]*$")]
    public static partial Regex TokenCodePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_]*$")]
    public static partial Regex AccessKeyIdPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$")]
    public static partial Regex TagKeyPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$")]
    public static partial Regex TagValuePattern();

    /// <summary>Checks a string member: required, length range, pattern. Returns the value.</summary>
    public string? String(string? value, string path, bool required, int min, int? max,
        Func<string, bool>? pattern = null, string? patternText = null, bool sensitive = false)
    {
        if (value is null)
        {
            if (required)
            {
                Add(null, path, "Member must not be null", sensitive);
            }

            return null;
        }

        // Lengths count UTF-16 code units' text elements as Java would count chars; close enough for ASCII-heavy STS input.
        if (value.Length < min)
        {
            Add(value, path, $"Member must have length greater than or equal to {min}", sensitive);
        }

        if (max is { } m && value.Length > m)
        {
            Add(value, path, $"Member must have length less than or equal to {m}", sensitive);
        }

        if (pattern is not null && !pattern(value))
        {
            Add(value, path, $"Member must satisfy regular expression pattern: {patternText}", sensitive);
        }

        return value;
    }

    public string? Arn(string? value, string path, bool required) =>
        String(value, path, required, 20, 2048, IsArnText, ArnPatternText);

    public string? Policy(string? value, int? max) =>
        String(value, "policy", required: false, 1, max, IsPolicyText, PolicyPatternText);

    /// <summary>Checks an integer member; returns <see langword="null"/> when absent or invalid.</summary>
    public int? Integer(string? value, string path, int min, int max)
    {
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            Add(value, path, "Member must be a valid integer", sensitive: false);
            return null;
        }

        if (number < min)
        {
            Add(value, path, $"Member must have value greater than or equal to {min}", sensitive: false);
            return null;
        }

        if (number > max)
        {
            Add(value, path, $"Member must have value less than or equal to {max}", sensitive: false);
            return null;
        }

        return number;
    }

    public void ListMax<T>(IReadOnlyList<T> list, string path, int max, Func<T, string> show)
    {
        if (list.Count > max)
        {
            Add("[" + string.Join(", ", list.Select(show)) + "]", path, $"Member must have length less than or equal to {max}", sensitive: false);
        }
    }

    public void ThrowIfAny()
    {
        if (_errors.Count == 0)
        {
            return;
        }

        var head = _errors.Count == 1 ? "1 validation error detected: " : $"{_errors.Count} validation errors detected: ";
        throw StsException.Validation(head + string.Join("; ", _errors));
    }

    public static bool IsArnText(string value) => IsInRanges(value, allowLatin1Only: false);

    public static bool IsPolicyText(string value) => IsInRanges(value, allowLatin1Only: true);

    private static bool IsInRanges(string value, bool allowLatin1Only)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (var rune in value.EnumerateRunes())
        {
            var c = rune.Value;
            var ok = allowLatin1Only
                ? c is 0x09 or 0x0A or 0x0D or (>= 0x20 and <= 0xFF)
                : c is 0x09 or 0x0A or 0x0D or (>= 0x20 and <= 0x7E) or 0x85 or (>= 0xA0 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private void Add(string? value, string path, string constraint, bool sensitive)
    {
        var shown = value is null ? "Value null" : sensitive ? $"Value '{Redacted}'" : $"Value '{value}'";
        _errors.Add($"{shown} at '{path}' failed to satisfy constraint: {constraint}");
    }
}
