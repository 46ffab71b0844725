using System.Runtime.CompilerServices;
using System.Threading;
using Amazon.Runtime;

namespace CredentialKit;

/// <summary>
/// Turns <see cref="SourceCredentialsOptions"/> into signing credentials and, for the session-producing types (web
/// identity, SAML, session token, federation token, shared-config profiles), the hop 0 that issues the source session.
/// </summary>
internal static class SourceCredentialsFactory
{
    private const string AnonymousFingerprint = "anonymous";

    private static readonly ConditionalWeakTable<AWSCredentials, object> InstanceIds = new();
    private static long s_nextInstanceId;

    /// <summary>The signing credentials of the sign-only types (Default, Static, Credentials).</summary>
    public static SourceCredentials Create(SourceCredentialsOptions options) => options.Type switch
    {
        SourceCredentialsType.Static => CreateStatic(options),
        SourceCredentialsType.Default => Default(),
        SourceCredentialsType.Credentials => FromInstance(options.Credentials
            ?? throw new ArgumentException("Source.Credentials is required when Source.Type is Credentials.", nameof(options))),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Type, "Source.Type does not name a sign-only source."),
    };

    /// <summary>Expands <paramref name="options"/> into what the chain starts with.</summary>
    public static SourcePlan Plan(SourceCredentialsOptions options, SourceEnvironment environment)
    {
        switch (options.Type)
        {
            case SourceCredentialsType.Default:
                return DefaultChain.Plan(options, environment);
            case SourceCredentialsType.Static or SourceCredentialsType.Credentials:
                return new SourcePlan(Create(options), Session: null, ProfileRoles: []);
            case SourceCredentialsType.WebIdentity:
                return new SourcePlan(Anonymous(), WebIdentity(WebIdentitySettings.From(options, environment)), []);
            case SourceCredentialsType.Saml:
            {
                var settings = SamlSettings.From(options);
                return new SourcePlan(Anonymous(), new SourceSession(settings.RoleArn, settings.Describe(), IsRoleSession: true, AllowsRoles: true,
                    (chain, context) => new SamlFetcher(settings, chain.Sts, chain.Settings, context, chain.ProfileName)), []);
            }

            case SourceCredentialsType.SessionToken:
            {
                var (signer, description) = LongTerm(options, environment);
                var settings = SessionTokenSettings.From(options, description);
                return new SourcePlan(signer, new SourceSession(settings.Subject, settings.Describe(), IsRoleSession: false, AllowsRoles: true,
                    (chain, context) => new SessionTokenFetcher(settings, signer.Credentials, chain.Sts, chain.Settings, context, chain.ProfileName),
                    (signerIdentity, sts) => FleetHopIdentity.ForSessionToken(signerIdentity, settings, sts)), []);
            }

            case SourceCredentialsType.FederationToken:
            {
                var (signer, description) = LongTerm(options, environment);
                var settings = FederationTokenSettings.From(options, description);
                return new SourcePlan(signer, new SourceSession(settings.Subject, settings.Describe(), IsRoleSession: false, AllowsRoles: false,
                    (chain, context) => new FederationTokenFetcher(settings, signer.Credentials, chain.Sts, chain.Settings, context, chain.ProfileName),
                    (signerIdentity, sts) => FleetHopIdentity.ForFederationToken(signerIdentity, settings, sts)), []);
            }

            case SourceCredentialsType.Profile:
                return ProfilePlan(options, environment);
            case SourceCredentialsType.CredentialProcess:
                return new SourcePlan(Anonymous(), LocalSourceSessions.CredentialProcess(CredentialProcessSettings.From(options.CredentialProcess)), []);
            case SourceCredentialsType.Sso:
            {
                var chain = SharedProfiles.Load(environment).ResolveSso(SharedProfiles.ProfileNameOf(options, environment));
                return new SourcePlan(chain.Signer, chain.Session, chain.Roles);
            }

            case SourceCredentialsType.ContainerCredentials:
                return new SourcePlan(Anonymous(), LocalSourceSessions.Container(ContainerCredentialsSettings.From(environment)), []);
            case SourceCredentialsType.InstanceMetadata:
                return new SourcePlan(Anonymous(), LocalSourceSessions.InstanceMetadata(InstanceMetadataSettings.From(environment)), []);
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Type, "Unknown Source.Type.");
        }
    }

    /// <summary>Wraps an existing credentials object; instances are told apart by identity, never by content.</summary>
    public static SourceCredentials FromInstance(AWSCredentials credentials)
    {
        var id = InstanceIds.GetValue(credentials, static _ => Interlocked.Increment(ref s_nextInstanceId));
        return new SourceCredentials(credentials, $"instance:{id}");
    }

    public static SourceSession WebIdentity(WebIdentitySettings settings) =>
        new(settings.RoleArn, settings.Describe(), IsRoleSession: true, AllowsRoles: true,
            (chain, context) => new WebIdentityFetcher(settings, chain.Sts, chain.Settings, context, chain.ProfileName),
            (_, sts) => FleetHopIdentity.ForWebIdentity(settings, sts));

    public static SourceCredentials Default() => new(new DefaultChainCredentials(), "default");

    public static SourceCredentials Anonymous() => new(new AnonymousAWSCredentials(), AnonymousFingerprint);

    public static SourceCredentials StaticKeys(string accessKeyId, string secret, string? sessionToken)
    {
        AWSCredentials credentials = string.IsNullOrEmpty(sessionToken)
            ? new BasicAWSCredentials(accessKeyId, secret)
            : new SessionAWSCredentials(accessKeyId, secret, sessionToken);
        return new SourceCredentials(credentials, $"static:{accessKeyId}:{CacheKeys.Hash(secret + "\n" + sessionToken)}");
    }

    private static SourceCredentials CreateStatic(SourceCredentialsOptions options)
    {
        var accessKeyId = options.AccessKeyId ?? throw new ArgumentException("Source.AccessKeyId is required.", nameof(options));
        var secret = options.SecretAccessKey ?? throw new ArgumentException("Source.SecretAccessKey is required.", nameof(options));
        return StaticKeys(accessKeyId, secret, options.SessionToken);
    }

    /// <summary>The long-term credentials under GetSessionToken and GetFederationToken, and how messages name them.</summary>
    private static (SourceCredentials Signer, string Description) LongTerm(SourceCredentialsOptions options, SourceEnvironment environment)
    {
        if (!string.IsNullOrEmpty(options.AccessKeyId))
        {
            return (CreateStatic(options), SecretRedaction.MaskAccessKeyId(options.AccessKeyId));
        }

        if (options.Credentials is { } instance)
        {
            return (FromInstance(instance), instance.GetType().Name);
        }

        if (!string.IsNullOrEmpty(options.ProfileName))
        {
            var profile = SharedProfiles.Load(environment).ResolveLongTerm(options.ProfileName);
            return (profile, $"profile {options.ProfileName}");
        }

        return (Default(), "default chain");
    }

    private static SourcePlan ProfilePlan(SourceCredentialsOptions options, SourceEnvironment environment)
    {
        var chain = SharedProfiles.Load(environment).Resolve(SharedProfiles.ProfileNameOf(options, environment), options.MfaTokenCodeProvider);
        return new SourcePlan(chain.Signer, chain.Session, chain.Roles);
    }
}
