namespace CredentialKit;

/// <summary>
/// Collects validation failures in the one message format the docs and callers rely on:
/// <c>[Profile '&lt;name&gt;': ]&lt;KeyPath&gt;[ (&lt;role ARN&gt;)] &lt;what is wrong&gt;; allowed: &lt;what is allowed&gt;.</c>
/// </summary>
/// <remarks>
/// Callers pass only the problem and the allowed values; they must never put a secret (secret access key, session token,
/// MFA code) or the value of an external id or policy into either text.
/// </remarks>
internal sealed class ValidationFailures
{
    private readonly string? _profileName;
    private List<string>? _messages; // created by the first failure: validating a valid ForRole tenant allocates nothing here

    /// <summary>Starts an empty collection whose messages name <paramref name="profileName"/> when it is not empty.</summary>
    public ValidationFailures(string? profileName) => _profileName = profileName;

    public int Count => _messages?.Count ?? 0;

    public IReadOnlyList<string> Messages => _messages ?? (IReadOnlyList<string>)[];

    /// <summary>Records a failure of a setting outside any role hop.</summary>
    public void Add(string keyPath, string problem, string allowed) => Add(keyPath, roleArn: null, problem, allowed);

    /// <summary>Records a failure of a hop setting; the hop's role ARN follows the key path when it is known.</summary>
    public void Add(string keyPath, string? roleArn, string problem, string allowed)
    {
        var hop = string.IsNullOrEmpty(roleArn) ? string.Empty : $" ({HopName(roleArn)})";
        var prefix = string.IsNullOrEmpty(_profileName) ? string.Empty : $"Profile '{_profileName}': ";
        (_messages ??= []).Add($"{prefix}{keyPath}{hop} {problem}; allowed: {allowed}.");
    }

    /// <summary>
    /// The hop's role ARN as every message of the hop repeats it: as written when it is shaped like an ARN, otherwise
    /// only its length, since a value that is not an ARN may be anything pasted there, a secret included.
    /// </summary>
    internal static string HopName(string roleArn) =>
        IsArnShaped(roleArn) ? roleArn : $"RoleArn that is not an ARN, {ValueText.Count(roleArn.Length, "character")}";

    private static bool IsArnShaped(string value) =>
        value.Length <= StsLimits.ArnMaxLength
        && value.StartsWith("arn:", StringComparison.Ordinal)
        && value.Split(':', 6).Length == 6
        && !value.Any(char.IsControl)
        && SecretRedaction.MaskSecrets(value) == value;
}
