using Amazon.Runtime;

namespace CredentialKit;

/// <summary>The credentials a chain starts from. Which properties apply depends on <see cref="Type"/>.</summary>
public sealed class SourceCredentialsOptions
{
    /// <summary>Gets or sets where the chain starts.</summary>
    /// <value>The default is <see cref="SourceCredentialsType.Default"/>, the AWS SDK's default credential chain.</value>
    public SourceCredentialsType Type { get; set; } = SourceCredentialsType.Default;

    /// <summary>Gets or sets the access key id, for <see cref="SourceCredentialsType.Static"/>.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>Gets or sets the secret access key, for <see cref="SourceCredentialsType.Static"/>. Never logged.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>
    /// Gets or sets an optional session token, for <see cref="SourceCredentialsType.Static"/> when the static credentials
    /// are themselves temporary. Never logged.
    /// </summary>
    public string? SessionToken { get; set; }

    /// <summary>Gets or sets the credentials instance, for <see cref="SourceCredentialsType.Credentials"/>. Set in code only.</summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>Returns a description of the source that never contains a secret.</summary>
    /// <returns>For example <c>Static(AKIA…MPLE)</c>.</returns>
    public override string ToString() => Type switch
    {
        SourceCredentialsType.Static => $"Static({SecretRedaction.MaskAccessKeyId(AccessKeyId)})",
        SourceCredentialsType.Credentials => $"Credentials({Credentials?.GetType().Name ?? "null"})",
        _ => Type.ToString(),
    };
}
