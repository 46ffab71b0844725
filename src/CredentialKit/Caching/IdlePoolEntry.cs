namespace CredentialKit;

/// <summary>
/// What the idle pool (a memory cache) holds for one hop nobody holds: its entry and the generation of this pool entry.
/// A lease that takes the hop back bumps the generation, so an eviction callback that arrives late for an older pool
/// entry is recognised and ignored.
/// </summary>
internal sealed record IdlePoolEntry(HopEntry Entry, long Generation);
