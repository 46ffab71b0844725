using Microsoft.Extensions.Caching.Memory;

namespace CredentialKit;

/// <summary>
/// Everything needed to (re)create one hop's session: its cache key, its priority in the cache, and a factory.
/// Handles keep the definition, not the session, so an evicted session is simply re-created.
/// </summary>
internal sealed class HopDefinition(
    string key,
    string roleArn,
    CacheItemPriority priority,
    ChainContext chain,
    Func<SessionCache, RefreshingSession> createSession)
{
    public string Key { get; } = key;

    public string RoleArn { get; } = roleArn;

    public CacheItemPriority Priority { get; } = priority;

    /// <summary>What later hops need to know about the chain up to and including this hop.</summary>
    public ChainContext Chain { get; } = chain;

    public RefreshingSession CreateSession(SessionCache cache) => createSession(cache);
}
