using Microsoft.Extensions.Caching.Memory;

namespace CredentialKit;

/// <summary>Hop 0 of a chain whose source issues a session (web identity, SAML, session or federation token).</summary>
/// <param name="key">The hop's cache key.</param>
/// <param name="session">The source's session and how to fetch it.</param>
/// <param name="signerChain">The chain as the source's fetcher sees it (before this hop).</param>
/// <param name="chain">The chain after this hop.</param>
internal sealed class SourceSessionHop(string key, SourceSession session, ChainContext signerChain, ChainContext chain)
    : HopDefinition(key, session.Subject, CacheItemPriority.High, chain)
{
    public override RefreshingSession CreateSession(SessionCache cache) =>
        new(
            cache.ShareThrough(session.CreateFetcher(signerChain, cache.Context), Chain.FleetIdentity, signerChain.Settings, Chain.Sts),
            signerChain.Settings,
            cache.Context,
            signerChain.ProfileName);
}
