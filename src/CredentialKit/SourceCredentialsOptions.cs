using Amazon.Runtime;

namespace CredentialKit;

/// <summary>The credentials a chain starts from. Which properties apply depends on <see cref="Type"/>.</summary>
/// <remarks>
/// A property the chosen <see cref="Type"/> does not use is a validation error rather than a silent no-op. Secrets
/// (secret key, session token, web identity token, SAML assertion, MFA codes) are never logged or shown in messages.
/// </remarks>
public sealed class SourceCredentialsOptions
{
    /// <summary>Gets or sets where the chain starts.</summary>
    /// <value>The default is <see cref="SourceCredentialsType.Default"/>, the AWS SDK's default credential chain.</value>
    public SourceCredentialsType Type { get; set; } = SourceCredentialsType.Default;

    /// <summary>
    /// Gets or sets the access key id: for <see cref="SourceCredentialsType.Static"/>, and the long-term key that signs
    /// <see cref="SourceCredentialsType.SessionToken"/> and <see cref="SourceCredentialsType.FederationToken"/>.
    /// </summary>
    public string? AccessKeyId { get; set; }

    /// <summary>Gets or sets the secret access key that goes with <see cref="AccessKeyId"/>. Never logged.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>
    /// Gets or sets an optional session token, for <see cref="SourceCredentialsType.Static"/> when the static credentials
    /// are themselves temporary. Never logged.
    /// </summary>
    public string? SessionToken { get; set; }

    /// <summary>
    /// Gets or sets the credentials instance, for <see cref="SourceCredentialsType.Credentials"/>, or the long-term
    /// credentials that sign <see cref="SourceCredentialsType.SessionToken"/> and <see cref="SourceCredentialsType.FederationToken"/>.
    /// Set in code only.
    /// </summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// Gets or sets the name of a profile in the shared AWS config and credentials files: the start of the chain for
    /// <see cref="SourceCredentialsType.Profile"/>, the profile link of <see cref="SourceCredentialsType.Default"/>, or the long-term credentials that sign
    /// <see cref="SourceCredentialsType.SessionToken"/> and <see cref="SourceCredentialsType.FederationToken"/>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: for <see cref="SourceCredentialsType.Profile"/> and <see cref="SourceCredentialsType.Default"/>, <c>AWS_PROFILE</c> or <c>default</c>.</value>
    public string? ProfileName { get; set; }

    /// <summary>
    /// Gets or sets the role to assume, for <see cref="SourceCredentialsType.WebIdentity"/> and <see cref="SourceCredentialsType.Saml"/>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: for web identity, the <c>AWS_ROLE_ARN</c> environment variable.</value>
    public string? RoleArn { get; set; }

    /// <summary>Gets or sets the role session name, for <see cref="SourceCredentialsType.WebIdentity"/> (2–64 characters of <c>[A-Za-z0-9_+=,.@-]</c>).</summary>
    /// <value>
    /// The default is <see langword="null"/>: <c>AWS_ROLE_SESSION_NAME</c>, or else the application name with a short random suffix.
    /// </value>
    public string? RoleSessionName { get; set; }

    /// <summary>
    /// Gets or sets the absolute path of the file holding the OIDC token, for <see cref="SourceCredentialsType.WebIdentity"/>.
    /// The file is read again on every refresh, since the platform rotates it.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: the <c>AWS_WEB_IDENTITY_TOKEN_FILE</c> environment variable, unless
    /// <see cref="WebIdentityTokenProvider"/> is set.
    /// </value>
    public string? TokenFile { get; set; }

    /// <summary>
    /// Gets or sets a callback that returns a current OIDC token, for <see cref="SourceCredentialsType.WebIdentity"/>
    /// instead of <see cref="TokenFile"/>. Called on every refresh; the token is never logged. Set in code only.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? WebIdentityTokenProvider { get; set; }

    /// <summary>Gets or sets the ARN of the SAML identity provider in IAM, for <see cref="SourceCredentialsType.Saml"/>.</summary>
    public string? PrincipalArn { get; set; }

    /// <summary>
    /// Gets or sets a callback that returns a fresh base64 SAML response from the identity provider, for
    /// <see cref="SourceCredentialsType.Saml"/>. Called on every refresh; never logged. Set in code only.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? SamlAssertionProvider { get; set; }

    /// <summary>
    /// Gets or sets how long each source session lasts: 15 minutes to 12 hours for <see cref="SourceCredentialsType.WebIdentity"/>
    /// and <see cref="SourceCredentialsType.Saml"/> (and at most the role's MaxSessionDuration), 15 minutes to 36 hours for
    /// <see cref="SourceCredentialsType.SessionToken"/> and <see cref="SourceCredentialsType.FederationToken"/>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: one hour for roles, STS's default (12 hours) for session and federation tokens.</value>
    public TimeSpan? Duration { get; set; }

    /// <summary>
    /// Gets or sets an inline session policy (JSON, at most 2048 characters), for <see cref="SourceCredentialsType.WebIdentity"/>,
    /// <see cref="SourceCredentialsType.Saml"/> and <see cref="SourceCredentialsType.FederationToken"/>.
    /// </summary>
    public string? Policy { get; set; }

    /// <summary>Gets the ARNs of managed session policies (at most 10), for the same types as <see cref="Policy"/>.</summary>
    public IList<string> PolicyArns { get; } = new List<string>();

    /// <summary>
    /// Gets or sets the federated user's name (2–32 characters of <c>[A-Za-z0-9_+=,.@-]</c>), for
    /// <see cref="SourceCredentialsType.FederationToken"/>. Required there.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>Gets the session tags (at most 50), for <see cref="SourceCredentialsType.FederationToken"/>. Keys are case-insensitive.</summary>
    public IDictionary<string, string> Tags { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets the serial number or ARN of the MFA device, for <see cref="SourceCredentialsType.SessionToken"/>.
    /// For <see cref="SourceCredentialsType.Profile"/> the profile's <c>mfa_serial</c> is used instead.
    /// </summary>
    public string? MfaSerialNumber { get; set; }

    /// <summary>
    /// Gets or sets the callback that supplies a fresh six-digit MFA code, once per refresh: for
    /// <see cref="SourceCredentialsType.SessionToken"/> with <see cref="MfaSerialNumber"/>, and for
    /// <see cref="SourceCredentialsType.Profile"/> hops with <c>mfa_serial</c>. A code is never sent twice. Set in code only.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? MfaTokenCodeProvider { get; set; }

    /// <summary>
    /// Gets or sets the command line, for <see cref="SourceCredentialsType.CredentialProcess"/>, written as a
    /// <c>credential_process</c> line of the AWS config file (for example <c>/usr/local/bin/aws-vault export --format=json dev</c>).
    /// It is split into arguments as the AWS CLI splits it and run without a shell; never logged (only its executable is named).
    /// </summary>
    public string? CredentialProcess { get; set; }

    /// <summary>
    /// Looks up environment variables (<c>AWS_ROLE_ARN</c>, <c>AWS_CONFIG_FILE</c>, …). Tests replace it; the default reads
    /// the process environment.
    /// </summary>
    internal Func<string, string?>? EnvironmentVariables { get; set; }

    /// <summary>Returns a description of the source that never contains a secret.</summary>
    /// <returns>For example <c>Static(AKIA…MPLE)</c> or <c>WebIdentity(arn:aws:iam::111122223333:role/web)</c>.</returns>
    public override string ToString() => Type switch
    {
        SourceCredentialsType.Static => $"Static({SecretRedaction.MaskAccessKeyId(AccessKeyId)})",
        SourceCredentialsType.Credentials => $"Credentials({Credentials?.GetType().Name ?? "null"})",
        SourceCredentialsType.WebIdentity or SourceCredentialsType.Saml => $"{Type}({RoleArn ?? "(from environment)"})",
        SourceCredentialsType.FederationToken => $"FederationToken({Name})",
        SourceCredentialsType.Profile => $"Profile({ProfileName ?? "(default)"})",
        _ => Type.ToString(),
    };
}
