using System.Collections.Immutable;
using Amazon.Runtime;
using Microsoft.Extensions.Caching.Memory;

namespace CredentialKit;

/// <summary>Turns validated profile options into hop definitions, each signed by the hop before it.</summary>
internal static class ChainBuilder
{
    public static HopDefinition Build(CredentialProfileOptions options, SessionCache cache, string? profileName)
    {
        var source = SourceCredentialsFactory.Create(options.Source);
        var chain = new ChainContext(
            profileName,
            CopyOf(options.Sts),
            RefreshSettings.From(options.Refresh),
            ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase));

        HopDefinition? hop = null;
        AWSCredentials signer = source.Credentials;
        ICredentialProvider? parent = null;
        var parentKey = source.Fingerprint;
        for (var i = 0; i < options.Roles.Count; i++)
        {
            hop = AddHop(options.Roles[i], isChained: i > 0, parentKey, signer, parent, chain, CacheItemPriority.High);
            chain = hop.Chain;
            parent = new ChainedCredentialProvider(cache, hop, ownsCache: false);
            signer = parent.ToAwsCredentials();
            parentKey = hop.Key;
        }

        return hop ?? throw new ArgumentException("A profile needs at least one role in Roles.", nameof(options));
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
        var next = chain with { TransitiveTagKeys = chain.TransitiveTagKeys.Union(template.TransitiveTagKeys) };
        return new HopDefinition(key, template.RoleArn, priority, next, cache =>
            new RefreshingSession(
                new AssumeRoleFetcher(template, signer, parent, chain.Sts, chain.Settings, cache.Context, chain.ProfileName),
                chain.Settings,
                cache.Context,
                chain.ProfileName));
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
