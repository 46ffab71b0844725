namespace CredentialKit;

/// <summary>Where a credential chain starts.</summary>
/// <remarks>
/// <see cref="Default"/>, <see cref="Static"/> and <see cref="Credentials"/> only sign the first STS call.
/// <see cref="WebIdentity"/>, <see cref="Saml"/>, <see cref="SessionToken"/>, <see cref="FederationToken"/> and
/// <see cref="Profile"/> (when the profile assumes a role) issue a session of their own: it is hop 0 of the chain, cached
/// and refreshed like every role hop, and <see cref="CredentialKitProfileOptions.Roles"/> may then be empty.
/// </remarks>
public enum SourceCredentialsType
{
    /// <summary>
    /// CredentialKit's own default chain, in the AWS SDKs' order: environment keys, web identity, the shared profile
    /// (<see cref="SourceCredentialsOptions.ProfileName"/>, <c>AWS_PROFILE</c> or <c>default</c>; any kind
    /// <see cref="Profile"/> reads), the container endpoint, instance metadata. The first configured link is chosen when
    /// the provider is built (nothing is probed on the network then) and refreshed like every hop. The default when
    /// nothing else is configured.
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

    /// <summary>
    /// STS <c>AssumeRoleWithWebIdentity</c> with an OIDC token read from <see cref="SourceCredentialsOptions.TokenFile"/>
    /// (re-read on every refresh) or returned by <see cref="SourceCredentialsOptions.WebIdentityTokenProvider"/>. Unset
    /// settings come from <c>AWS_ROLE_ARN</c>, <c>AWS_WEB_IDENTITY_TOKEN_FILE</c> and <c>AWS_ROLE_SESSION_NAME</c>, as the
    /// AWS SDKs read them (EKS IRSA). Roles after it are role chaining (one hour at most).
    /// </summary>
    WebIdentity = 3,

    /// <summary>
    /// STS <c>GetSessionToken</c> on top of long-term credentials (static keys, a named profile, an instance, or the default
    /// chain), optionally with MFA. Sessions last up to 36 hours; roles after it are not role chaining.
    /// </summary>
    SessionToken = 4,

    /// <summary>
    /// STS <c>AssumeRoleWithSAML</c> with an assertion returned by <see cref="SourceCredentialsOptions.SamlAssertionProvider"/>.
    /// Roles after it are role chaining (one hour at most).
    /// </summary>
    Saml = 5,

    /// <summary>
    /// STS <c>GetFederationToken</c> on top of long-term credentials. STS does not let a federated user assume roles, so
    /// <see cref="CredentialKitProfileOptions.Roles"/> must be empty.
    /// </summary>
    FederationToken = 6,

    /// <summary>
    /// A named profile of the shared AWS config and credentials files (<c>AWS_CONFIG_FILE</c>,
    /// <c>AWS_SHARED_CREDENTIALS_FILE</c>). A profile that assumes roles (<c>role_arn</c>, <c>source_profile</c>, …) is
    /// expanded into hops that CredentialKit runs itself, each with its own refresh, before <see cref="CredentialKitProfileOptions.Roles"/>.
    /// </summary>
    Profile = 7,

    /// <summary>
    /// The credentials a command prints, as the AWS CLI's <c>credential_process</c> runs it: the command in
    /// <see cref="SourceCredentialsOptions.CredentialProcess"/> is split into arguments as the CLI splits it and run without
    /// a shell, under a time limit and an output cap; its <c>Version: 1</c> JSON is the session, refreshed ahead of its
    /// <c>Expiration</c> (none: static, never refreshed). Roles after it are assumed with those credentials.
    /// </summary>
    CredentialProcess = 8,

    /// <summary>
    /// The container-credentials endpoint of ECS task roles and EKS Pod Identity, from
    /// <c>AWS_CONTAINER_CREDENTIALS_RELATIVE_URI</c> or <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> (http only to the hosts the
    /// AWS SDKs allow) with <c>AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE</c> or <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c>.
    /// CredentialKit refreshes the session itself; every provider of the process shares one request. Roles after it are
    /// role chaining (one hour at most).
    /// </summary>
    ContainerCredentials = 9,

    /// <summary>
    /// The EC2 instance metadata service (IMDSv2: a session token, then the instance profile role's credentials; IMDSv1
    /// only where the AWS SDKs fall back to it and <c>AWS_EC2_METADATA_V1_DISABLED</c> does not forbid it).
    /// <c>AWS_EC2_METADATA_DISABLED</c> and <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c> are honoured. CredentialKit refreshes the
    /// session itself; every provider of the process shares one request. Roles after it are role chaining (one hour at most).
    /// </summary>
    InstanceMetadata = 10,

    /// <summary>
    /// An SSO (IAM Identity Center) profile of the shared config file, named by <see cref="SourceCredentialsOptions.ProfileName"/>
    /// (<c>AWS_PROFILE</c> or <c>default</c> when unset): <c>sso_session</c> or the legacy <c>sso_start_url</c> form. The
    /// AWS CLI's token cache is read (and refreshed through SSO OIDC where the <c>sso_session</c> allows, writing the cache
    /// back), role credentials come from the SSO portal, and when nothing can be refreshed the error says
    /// <c>run aws sso login --profile X</c>. <see cref="Profile"/> reads the same profiles; this type also insists that
    /// the profile is an SSO one. Roles after it are role chaining (one hour at most).
    /// </summary>
    Sso = 11,
}
