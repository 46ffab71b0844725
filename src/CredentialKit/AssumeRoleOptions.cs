namespace CredentialKit;

/// <summary>One hop of a role chain: the parameters of an STS <c>AssumeRole</c> call.</summary>
/// <remarks>
/// Every value is checked against the STS limits before any call is made; see the README's validation table.
/// </remarks>
public sealed class AssumeRoleOptions
{
    /// <summary>Gets or sets the ARN of the role to assume, for example <c>arn:aws:iam::111122223333:role/reports</c>. Required.</summary>
    public string? RoleArn { get; set; }

    /// <summary>Gets or sets the role session name (2–64 characters of <c>[A-Za-z0-9_+=,.@-]</c>).</summary>
    /// <value>
    /// The default is <see langword="null"/>: a valid name is built from the application name and a short random suffix.
    /// </value>
    public string? RoleSessionName { get; set; }

    /// <summary>Gets or sets how long each session lasts (15 minutes to 12 hours).</summary>
    /// <value>
    /// The default is <see langword="null"/>, meaning one hour. A hop assumed with another role's session (role chaining)
    /// is clamped to one hour.
    /// </value>
    public TimeSpan? Duration { get; set; }

    /// <summary>Gets or sets the external id the role's trust policy requires (2–1224 characters).</summary>
    public string? ExternalId { get; set; }

    /// <summary>Gets the session tags (at most 50). Keys are case-insensitive, as in STS.</summary>
    public IDictionary<string, string> Tags { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the keys of <see cref="Tags"/> that later hops of the chain inherit.</summary>
    public IList<string> TransitiveTagKeys { get; } = new List<string>();

    /// <summary>Gets or sets an inline session policy (JSON) that further restricts the session.</summary>
    public string? Policy { get; set; }

    /// <summary>Gets the ARNs of managed policies used as session policies (at most 10).</summary>
    public IList<string> PolicyArns { get; } = new List<string>();

    /// <summary>Gets or sets the source identity (2–64 characters, must not start with <c>aws:</c>).</summary>
    public string? SourceIdentity { get; set; }

    /// <summary>Gets or sets the serial number or ARN of the MFA device the role requires.</summary>
    public string? MfaSerialNumber { get; set; }

    /// <summary>
    /// Gets or sets the callback that supplies a fresh six-digit MFA code for each call; required with
    /// <see cref="MfaSerialNumber"/>. Codes are never logged.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? MfaTokenCodeProvider { get; set; }

    /// <summary>Returns a description of the hop (its role ARN) that never contains a secret.</summary>
    /// <returns>The role ARN, or <c>(no RoleArn)</c>.</returns>
    public override string ToString() => RoleArn ?? "(no RoleArn)";
}
