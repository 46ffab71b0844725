using Microsoft.Extensions.Caching.Memory;

namespace CredentialKit;

/// <summary>A hop that assumes a role with <c>AssumeRole</c>, signed by <see cref="Signer"/>.</summary>
/// <remarks>Its session rents the STS clients of its signer from the cache (<see cref="SharedStsClients"/>).</remarks>
internal sealed class AssumeRoleHop(string key, AssumeRoleTemplate template, HopSigner signer, CacheItemPriority priority, ChainContext chain)
    : HopDefinition(key, template.RoleArn, priority, chain)
{
    public AssumeRoleTemplate Template { get; } = template;

    public HopSigner Signer { get; } = signer;

    public override HopDefinition? Parent => Signer.ParentHop;

    public override RefreshingSession CreateSession(SessionCache cache) =>
        new(
            cache.ShareThrough(
                new AssumeRoleFetcher(Template, cache.StsClients.Rent(Signer, Chain.Sts, cache), Chain.Settings, cache.Context, Chain.ProfileName),
                Chain.FleetIdentity,
                Chain.Settings,
                Chain.Sts,
                Parent?.RoleArn),
            Chain.Settings,
            cache.Context,
            Chain.ProfileName);
}
