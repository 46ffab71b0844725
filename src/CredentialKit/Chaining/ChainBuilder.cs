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

        chain = WithFleetIdentity(chain, plan.Signer, options, cache);

        HopDefinition? hop = null;
        var parentKey = RootKey(plan.Signer, options);
        var signer = HopSigner.Of(parentKey, plan.Signer.Credentials);

        // A role assumed with an assumed-role session is role chaining (one hour at most); one assumed with long-term
        // keys or a GetSessionToken session is not.
        var nextIsChained = false;
        if (plan.Session is { } session)
        {
            hop = AddSourceHop(session, parentKey, chain);
            chain = hop.Chain;
            nextIsChained = session.IsRoleSession;
            signer = HopSigner.Of(hop);
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
            hop = AddHop(role, nextIsChained, signer, chain, CacheItemPriority.High);
            chain = hop.Chain;
            nextIsChained = true;
            signer = HopSigner.Of(hop);
        }

        return hop ?? throw new ArgumentException("A profile needs at least one role in Roles, or a source that issues a session.", nameof(options));
    }

    /// <summary>
    /// Defines a hop that assumes <paramref name="role"/> with <paramref name="signer"/>. Its session rents the STS clients
    /// of that signer from the cache (<see cref="SharedStsClients"/>), so sibling hops share one client.
    /// </summary>
    public static HopDefinition AddHop(
        AssumeRoleOptions role,
        bool isChained,
        HopSigner signer,
        ChainContext chain,
        CacheItemPriority priority)
    {
        var template = AssumeRoleTemplate.From(role, isChained);
        var key = CacheKeys.ForHop(signer.Key, template, chain.Sts, chain.Settings);
        var next = chain with
        {
            TransitiveTagKeys = chain.TransitiveTagKeys.Union(template.TransitiveTagKeys),
            IsRoleSession = true,
            FleetIdentity = FleetHopIdentity.ForRole(chain.FleetIdentity, template, chain.Sts),
        };

        // A ForRole tenant without tags of its own continues its parent's chain unchanged: share that context.
        return new AssumeRoleHop(key, template, signer, priority, next == chain ? chain : next);
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
        return new SourceSessionHop(key, session, chain, next);
    }

    /// <summary>
    /// Starts the chain's fleet identity at its signer (<see cref="FleetHopIdentity.ForSigner"/>), or leaves it unset when
    /// the profile opts out of the shared store (<see cref="CredentialKitProfileOptions.UseSharedStore"/>): then no hop of the
    /// chain is shared.
    /// </summary>
    /// <remarks>
    /// A cache without a shared store shares nothing either: the identity stays unset, so neither this chain nor a
    /// <c>ForRole</c> tenant of it spends a fingerprint (hashing and its garbage) on an identity nothing reads.
    /// </remarks>
    private static ChainContext WithFleetIdentity(ChainContext chain, SourceCredentials signer, CredentialKitProfileOptions options, SessionCache cache) =>
        chain with { FleetIdentity = options.UseSharedStore && cache.SharesSessions ? FleetHopIdentity.ForSigner(signer) : null };

    /// <summary>
    /// The in-process key the chain's hop keys derive from: the signer's fingerprint, marked for a profile that opts out of
    /// the shared store, so that it never shares an in-process session (and its fetcher) with a profile that shares.
    /// </summary>
    private static string RootKey(SourceCredentials signer, CredentialKitProfileOptions options) =>
        options.UseSharedStore ? signer.Fingerprint : signer.Fingerprint + "\nper-process";

    private static StsOptions CopyOf(StsOptions sts) => sts.Copy();
}
