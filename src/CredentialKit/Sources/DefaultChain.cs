namespace CredentialKit;

/// <summary>
/// <see cref="SourceCredentialsType.Default"/> as CredentialKit's own chain, in the AWS SDKs' order: environment keys,
/// web identity (<c>AWS_WEB_IDENTITY_TOKEN_FILE</c> with <c>AWS_ROLE_ARN</c>), the shared profile (every kind CredentialKit
/// reads: keys, role chains, web identity, credential_process, SSO, credential_source), the container endpoint, instance
/// metadata. The first link whose configuration is present is chosen when the provider is built, from the environment and
/// the config files only: nothing is probed on the network then. Every link runs with CredentialKit's refresh.
/// </summary>
/// <remarks>
/// A link that is configured but broken (a profile that names a missing source_profile, a container URI to a host the
/// SDKs refuse) is an error, not a reason to try the next one, as in the SDKs. When a link is chosen after others were
/// skipped, its errors end with why each was skipped, so the failure of the last resort (IMDS off EC2) explains itself.
/// </remarks>
internal static class DefaultChain
{
    /// <exception cref="DefaultChainException">No link is configured (instance metadata is turned off).</exception>
    /// <exception cref="SharedProfileException">The profile link is configured but unusable.</exception>
    /// <exception cref="ArgumentException">The web identity or container link is configured but unusable.</exception>
    public static SourcePlan Plan(SourceCredentialsOptions options, SourceEnvironment environment)
    {
        var skipped = new List<string>();
        var accessKeyId = environment.Get("AWS_ACCESS_KEY_ID");
        var secret = environment.Get("AWS_SECRET_ACCESS_KEY");
        if (accessKeyId is not null && secret is not null)
        {
            return new SourcePlan(SourceCredentialsFactory.StaticKeys(accessKeyId, secret, environment.Get("AWS_SESSION_TOKEN")), Session: null, []);
        }

        skipped.Add($"environment ({(accessKeyId is null ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY")} is not set)");
        if (environment.Get(SourceEnvironment.WebIdentityTokenFile) is not null && environment.Get(SourceEnvironment.RoleArn) is not null)
        {
            return new SourcePlan(SourceCredentialsFactory.Anonymous(), SourceCredentialsFactory.WebIdentity(WebIdentitySettings.From(new SourceCredentialsOptions(), environment)), []);
        }

        skipped.Add("web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not both set)");
        var profiles = SharedProfiles.Load(environment);
        var name = SharedProfiles.ProfileNameOf(options, environment);
        if (profiles.SettingsOf(name) is not null)
        {
            var chain = profiles.Resolve(name, options.MfaTokenCodeProvider);
            return new SourcePlan(chain.Signer, chain.Session, chain.Roles);
        }

        if (!string.IsNullOrEmpty(options.ProfileName))
        {
            // A profile asked for by name must exist: falling through to IMDS would hide the typo.
            throw new SharedProfileException($"names profile '{name}', which is in neither {profiles.ConfigPath} nor {profiles.CredentialsPath}");
        }

        skipped.Add($"shared profile ('{name}' is in neither {profiles.ConfigPath} nor {profiles.CredentialsPath})");
        if (ContainerCredentialsSettings.IsConfigured(environment))
        {
            return new SourcePlan(SourceCredentialsFactory.Anonymous(), LocalSourceSessions.Container(ContainerCredentialsSettings.From(environment), Note(skipped)), []);
        }

        skipped.Add($"container ({ContainerCredentialsSettings.RelativeUri} and {ContainerCredentialsSettings.FullUri} are not set)");
        if (!InstanceMetadataSettings.IsDisabled(environment))
        {
            return new SourcePlan(SourceCredentialsFactory.Anonymous(), LocalSourceSessions.InstanceMetadata(InstanceMetadataSettings.From(environment), Note(skipped)), []);
        }

        skipped.Add($"instance metadata ({InstanceMetadataSettings.Disabled} is true)");
        throw new DefaultChainException(skipped);
    }

    private static string Note(List<string> skipped) => $"The default chain chose this after skipping: {string.Join("; ", skipped)}.";
}

/// <summary>No link of the default chain is configured; the message lists each link and why it was skipped.</summary>
internal sealed class DefaultChainException(IReadOnlyList<string> skipped)
    : ArgumentException($"the default chain found no credentials; it tried, in the AWS SDKs' order: {string.Join("; ", skipped)}")
{
    public IReadOnlyList<string> Skipped { get; } = skipped;
}
