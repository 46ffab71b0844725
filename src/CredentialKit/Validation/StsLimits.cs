using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CredentialKit;

/// <summary>
/// The STS and CredentialKit limits the validators enforce, in one place so the README's validation table has one source.
/// STS figures come from the STS API model (botocore <c>sts/2011-06-15/service-2.json</c>) and the AssumeRole reference.
/// </summary>
internal static partial class StsLimits
{
    private const string SessionNameSet = "A–Z a–z 0–9 _ + = , . @ -";

    /// <summary>The prefix AWS reserves in tag keys and source identities (compared ignoring case).</summary>
    public const string ReservedPrefix = "aws:";

    public const int ArnMinLength = 20;
    public const int ArnMaxLength = 2048;
    public const int MaxTags = 50;
    public const int MaxTransitiveTagKeys = 50;
    public const int MaxPolicyArns = 10;

    /// <summary>The plaintext limit for the inline session policy plus the managed policy ARNs.</summary>
    public const int MaxPolicyPlaintext = 2048;

    public static readonly TimeSpan MinimumSessionDuration = TimeSpan.FromSeconds(900);
    public static readonly TimeSpan MaximumSessionDuration = TimeSpan.FromSeconds(43200);

    /// <summary>The longest GetSessionToken and GetFederationToken session (36 hours).</summary>
    public static readonly TimeSpan MaximumTokenDuration = TimeSpan.FromSeconds(129600);

    public static readonly TextRule AccessKeyId = new(16, 128, TextRule.IsWord, "A–Z a–z 0–9 _");
    public static readonly TextRule RoleSessionName = new(2, 64, c => TextRule.IsWordOr(c, "+=,.@-"), SessionNameSet);
    public static readonly TextRule ExternalId = new(2, 1224, c => TextRule.IsWordOr(c, "+=,.@:/-"), "A–Z a–z 0–9 _ + = , . @ : / -");
    public static readonly TextRule SourceIdentity = new(2, 64, c => TextRule.IsWordOr(c, "+=,.@-"), SessionNameSet);
    public static readonly TextRule MfaSerialNumber = new(9, 256, c => TextRule.IsWordOr(c, "+=/:,.@-"), "A–Z a–z 0–9 _ + = / : , . @ -");
    public static readonly TextRule TagKey = new(1, 128, IsTagCharacter, "letters, digits, spaces and _ . : / = + - @");
    public static readonly TextRule TagValue = new(0, 256, IsTagCharacter, "letters, digits, spaces and _ . : / = + - @");
    public static readonly TextRule Policy = new(1, 2048, IsPolicyCharacter, "tab, line feed, carriage return and U+0020–U+00FF");

    /// <summary>Whether <paramref name="region"/> looks like an AWS region name (<c>eu-west-1</c>, <c>us-gov-west-1</c>).</summary>
    /// <remarks>
    /// The first part may have up to four letters so that <c>eusc-de-east-1</c> (the European Sovereign Cloud) passes.
    /// ASCII classes only: .NET's <c>\d</c> would also match other scripts' digits.
    /// </remarks>
    public static bool IsRegionName(string region) => RegionPattern().IsMatch(region);

    /// <summary><c>[\p{L}\p{Z}\p{N}_.:/=+\-@]</c> of the STS model, per Unicode scalar (so letters outside the BMP count).</summary>
    private static bool IsTagCharacter(Rune c) => Rune.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
        UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => true,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
        _ => c.Value is '_' or '.' or ':' or '/' or '=' or '+' or '-' or '@',
    };

    /// <summary><c>[\u0009\u000A\u000D\u0020-\u00FF]</c> of the STS model.</summary>
    private static bool IsPolicyCharacter(Rune c) => c.Value is 0x09 or 0x0A or 0x0D or (>= 0x20 and <= 0xFF);

    [GeneratedRegex("^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();
}
