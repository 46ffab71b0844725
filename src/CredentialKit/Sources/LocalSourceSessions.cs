namespace CredentialKit;

/// <summary>The hop 0 of each source that is not an STS call, as <see cref="SourceCredentialsFactory"/> and <see cref="SharedProfiles"/> build it.</summary>
/// <remarks>
/// None of them is shared through a fleet's store (no fleet identity): a credential process, a container endpoint and an
/// instance's metadata service belong to one host.
/// </remarks>
internal static class LocalSourceSessions
{
    /// <summary>
    /// A <c>credential_process</c> session. Not counted as a role session: what the command returns is unknown, and when it
    /// is one STS says so (and <see cref="SessionDurationFallback"/> retries with one hour).
    /// </summary>
    public static SourceSession CredentialProcess(CredentialProcessSettings settings) =>
        new(settings.Subject, settings.Describe(), IsRoleSession: false, AllowsRoles: true,
            (chain, context) => new CredentialProcessFetcher(settings, context, chain.ProfileName));

    /// <summary>A container-credentials session (an assumed-role session: roles after it are role chaining).</summary>
    public static SourceSession Container(ContainerCredentialsSettings settings, string? failureNote = null) =>
        new(settings.Subject, settings.Describe(), IsRoleSession: true, AllowsRoles: true,
            (chain, context) => new ContainerCredentialsFetcher(settings, context, chain.ProfileName) { FailureNote = failureNote });

    /// <summary>An instance profile session from IMDS (an assumed-role session: roles after it are role chaining).</summary>
    public static SourceSession InstanceMetadata(InstanceMetadataSettings settings, string? failureNote = null) =>
        new(settings.Subject, settings.Describe(), IsRoleSession: true, AllowsRoles: true,
            (chain, context) => new InstanceMetadataFetcher(settings, context, chain.ProfileName) { FailureNote = failureNote });

    /// <summary>An SSO (IAM Identity Center) role session (an assumed-role session: roles after it are role chaining).</summary>
    public static SourceSession Sso(SsoSettings settings) =>
        new(settings.Subject, settings.Describe(), IsRoleSession: true, AllowsRoles: true,
            (chain, context) => new SsoFetcher(settings, context, chain.ProfileName));
}
