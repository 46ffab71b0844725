using Microsoft.Extensions.Caching.Memory;

namespace CredentialKit;

/// <summary>
/// Everything needed to (re)create one hop's session: its cache key, its priority in the cache, and how to create it.
/// Handles keep the definition, not the session, so an evicted session is simply re-created.
/// </summary>
/// <remarks>
/// A subclass per kind of hop (<see cref="AssumeRoleHop"/>, <see cref="SourceSessionHop"/>) rather than a factory
/// delegate: one object per <c>ForRole</c> tenant instead of three (definition, delegate, closure).
/// </remarks>
internal abstract class HopDefinition(
    string key,
    string roleArn,
    CacheItemPriority priority,
    ChainContext chain)
{
    public string Key { get; } = key;

    public string RoleArn { get; } = roleArn;

    public CacheItemPriority Priority { get; } = priority;

    /// <summary>What later hops need to know about the chain up to and including this hop.</summary>
    public ChainContext Chain { get; } = chain;

    /// <summary>The hop whose session signs this hop's STS calls, if any: the cache leases it while this hop is held.</summary>
    public virtual HopDefinition? Parent => null;

    /// <summary>Creates the hop's session over <paramref name="cache"/> (no STS call yet).</summary>
    public abstract RefreshingSession CreateSession(SessionCache cache);
}
