namespace CredentialKit;

/// <summary>Start-up checks of the sources that are not STS calls (credential_process, container, instance metadata).</summary>
internal static class LocalSourceValidator
{
    public static void Validate(SourceCredentialsOptions source, SourceEnvironment environment, ValidationFailures failures)
    {
        switch (source.Type)
        {
            case SourceCredentialsType.CredentialProcess:
                ValidateCredentialProcess(source, failures);
                break;
            case SourceCredentialsType.ContainerCredentials:
                Check(() => ContainerCredentialsSettings.From(environment), failures, "Source:Type", "is ContainerCredentials, but ",
                    $"the variables ECS or EKS Pod Identity set: {ContainerCredentialsSettings.RelativeUri}, or {ContainerCredentialsSettings.FullUri} with an optional authorization token");
                break;
            case SourceCredentialsType.Sso:
                try
                {
                    _ = SharedProfiles.Load(environment).ResolveSso(SharedProfiles.ProfileNameOf(source, environment));
                }
                catch (SharedProfileException e)
                {
                    failures.Add("Source:ProfileName", e.Problem, "an SSO profile of the shared config file (sso_session, or sso_start_url with sso_region), with sso_account_id and sso_role_name");
                }

                break;
            case SourceCredentialsType.InstanceMetadata:
                Check(() => InstanceMetadataSettings.From(environment), failures, "Source:Type", "is InstanceMetadata, but ",
                    $"instance metadata not turned off by {InstanceMetadataSettings.Disabled}, at the default address or {InstanceMetadataSettings.EndpointVariable}");
                break;
        }
    }

    /// <summary>Source:Type Default: the link the chain chooses must be usable; it issues a session unless it is plain keys.</summary>
    public static SourceFacts ValidateDefault(SourceCredentialsOptions source, SourceEnvironment environment, ValidationFailures failures)
    {
        try
        {
            return new SourceFacts(ProducesSession: DefaultChain.Plan(source, environment).ProducesSession, RolesAllowed: true);
        }
        catch (SharedProfileException e)
        {
            failures.Add("Source:ProfileName", e.Problem, "a profile of the shared AWS config or credentials file of a kind docs/sources.md lists as supported");
        }
        catch (ArgumentException e)
        {
            failures.Add("Source:Type", "is Default, but " + e.Message.TrimEnd('.'),
                "credentials from one link of the chain: environment keys, web identity, a shared profile, a container endpoint or instance metadata");
        }

        return new SourceFacts(ProducesSession: true, RolesAllowed: true);
    }

    private static void ValidateCredentialProcess(SourceCredentialsOptions source, ValidationFailures failures)
    {
        const string Allowed = "a command line as the AWS config file's credential_process takes it (an executable and its arguments; quotes closed)";
        if (string.IsNullOrWhiteSpace(source.CredentialProcess))
        {
            failures.Add("Source:CredentialProcess", "is missing while Source:Type is CredentialProcess", Allowed);
            return;
        }

        // The message describes the problem without quoting the command (its arguments may be secret).
        Check(() => CredentialProcessSettings.From(source.CredentialProcess), failures, "Source:CredentialProcess", string.Empty, Allowed);
    }

    private static void Check(Action read, ValidationFailures failures, string keyPath, string prefix, string allowed)
    {
        try
        {
            read();
        }
        catch (ArgumentException e)
        {
            failures.Add(keyPath, prefix + e.Message.TrimEnd('.'), allowed);
        }
    }
}
