using System.Collections.Immutable;
using Amazon.Runtime;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// Turns validated profile options into hop definitions, each signed by the hop before it: the source's own session
/// (web identity, SAML, session or federation token) as hop 0 when it issues one, then the roles of a shared-config
/// profile, then <see cref="CredentialKitProfileOptions.Roles"/>.
/// </summary>
internal static class ChainBuilder
{
    public static HopDefinition Build(CredentialKitProfileOptions options, SessionCache cache, string? profileName)
    {
        var plan = SourceCredentialsFactory.Plan(options.Source, SourceEnvironment.For(options.Source));
        var chain = new ChainContext(
            profileName,
            CopyOf(options.Sts),
            RefreshSettings.From(options.Refresh),
            ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase));

        chain = WithFleetIdentity(chain, plan.Signer, options);

        HopDefinition? hop = null;
        AWSCredentials signer = plan.Signer.Credentials;
        ICredentialProvider? parent = null;
        var parentKey = RootKey(plan.Signer, options);

        // A role assumed with an assumed-role session is role chaining (one hour at most); one assumed with long-term
        // keys or a GetSessionToken session is not.
        var nextIsChained = false;
        if (plan.Session is { } session)
        {
            hop = AddSourceHop(session, parentKey, chain);
            chain = hop.Chain;
            nextIsChained = session.IsRoleSession;
            (parent, signer, parentKey) = Advance(cache, hop);
        }

        if (plan.ProfileRoles.Count > 0)
        {
            var logger = cache.Context.LoggerFactory.CreateLogger("CredentialKit.CredentialProvider");
            Log.ProfileExpanded(logger, SharedProfiles.ProfileNameOf(options.Source, SourceEnvironment.For(options.Source)),
                plan.ProfileRoles.Count + (plan.Session is null ? 0 : 1),
                string.Join(" -> ", (plan.Session is { } s ? [s.Subject] : Array.Empty<string>()).Concat(plan.ProfileRoles.Select(r => r.RoleArn ?? "?"))));
        }

        foreach (var role in plan.ProfileRoles.Concat(options.Roles))
        {
            hop = AddHop(role, nextIsChained, parentKey, signer, parent, chain, CacheItemPriority.High);
            chain = hop.Chain;
            nextIsChained = true;
            (parent, signer, parentKey) = Advance(cache, hop);
        }

        return hop ?? throw new ArgumentException("A profile needs at least one role in Roles, or a source that issues a session.", nameof(options));
    }

    /// <summary>Defines a hop that assumes <paramref name="role"/> with <paramref name="signer"/>.</summary>
    public static HopDefinition AddHop(
        AssumeRoleOptions role,
        bool isChained,
        string parentKey,
        AWSCredentials signer,
        ICredentialProvider? parent,
        ChainContext chain,
        CacheItemPriority priority)
    {
        var template = AssumeRoleTemplate.From(role, isChained);
        var key = CacheKeys.ForHop(parentKey, template.Describe(), chain.Sts, chain.Settings);
        var next = chain with
        {
            TransitiveTagKeys = chain.TransitiveTagKeys.Union(template.TransitiveTagKeys),
            IsRoleSession = true,
            FleetIdentity = FleetHopIdentity.ForRole(chain.FleetIdentity, template, chain.Sts),
        };
        return new HopDefinition(key, template.RoleArn, priority, next, cache =>
            new RefreshingSession(
                cache.ShareThrough(
                    new AssumeRoleFetcher(template, signer, parent, chain.Sts, chain.Settings, cache.Context, chain.ProfileName),
                    next.FleetIdentity,
                    chain.Settings),
                chain.Settings,
                cache.Context,
                chain.ProfileName));
    }

    /// <summary>Defines hop 0: the source's own session, keyed by its signer's fingerprint and its parameters (no secret).</summary>
    private static HopDefinition AddSourceHop(SourceSession session, string signerKey, ChainContext chain)
    {
        var key = CacheKeys.ForHop(signerKey, session.Description, chain.Sts, chain.Settings);
        var next = chain with
        {
            RolesAllowed = session.AllowsRoles,
            IsRoleSession = session.IsRoleSession,
            FleetIdentity = chain.FleetIdentity is null ? null : session.FleetIdentity?.Invoke(chain.FleetIdentity, chain.Sts),
        };
        return new HopDefinition(key, session.Subject, CacheItemPriority.High, next, cache =>
            new RefreshingSession(
                cache.ShareThrough(session.CreateFetcher(chain, cache.Context), next.FleetIdentity, chain.Settings),
                chain.Settings,
                cache.Context,
                chain.ProfileName));
    }

    /// <summary>
    /// Starts the chain's fleet identity at its signer (<see cref="FleetHopIdentity.ForSigner"/>), or leaves it unset when
    /// the profile opts out of the shared store (<see cref="CredentialKitProfileOptions.UseSharedStore"/>): then no hop of the
    /// chain is shared.
    /// </summary>
    private static ChainContext WithFleetIdentity(ChainContext chain, SourceCredentials signer, CredentialKitProfileOptions options) =>
        chain with { FleetIdentity = options.UseSharedStore ? FleetHopIdentity.ForSigner(signer) : null };

    /// <summary>
    /// The in-process key the chain's hop keys derive from: the signer's fingerprint, marked for a profile that opts out of
    /// the shared store, so that it never shares an in-process session (and its fetcher) with a profile that shares.
    /// </summary>
    private static string RootKey(SourceCredentials signer, CredentialKitProfileOptions options) =>
        options.UseSharedStore ? signer.Fingerprint : signer.Fingerprint + "\nper-process";

    private static (ICredentialProvider Parent, AWSCredentials Signer, string Key) Advance(SessionCache cache, HopDefinition hop)
    {
        var parent = new ChainedCredentialProvider(cache, hop, ownsCache: false);
        return (parent, parent.ToAwsCredentials(), hop.Key);
    }

    private static StsOptions CopyOf(StsOptions sts)
    {
        var copy = new StsOptions { Region = sts.Region, ServiceUrl = sts.ServiceUrl, AuthenticationRegion = sts.AuthenticationRegion };
        foreach (var region in sts.FallbackRegions)
        {
            copy.FallbackRegions.Add(region);
        }

        return copy;
    }
}
