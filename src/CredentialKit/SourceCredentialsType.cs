namespace CredentialKit;

/// <summary>Where a credential chain starts.</summary>
public enum SourceCredentialsType
{
    /// <summary>
    /// The AWS SDK's default credential chain (environment variables, shared profile, container and instance
    /// metadata, …). The default when nothing else is configured.
    /// </summary>
    Default = 0,

    /// <summary>
    /// A fixed access key and secret key (and optionally a session token) from
    /// <see cref="SourceCredentialsOptions.AccessKeyId"/>, <see cref="SourceCredentialsOptions.SecretAccessKey"/> and
    /// <see cref="SourceCredentialsOptions.SessionToken"/>.
    /// </summary>
    Static = 1,

    /// <summary>An <see cref="Amazon.Runtime.AWSCredentials"/> instance given in code through <see cref="SourceCredentialsOptions.Credentials"/>.</summary>
    Credentials = 2,
}
