namespace CredentialKit;

/// <summary>
/// What the idle pool (a memory cache) holds for one session nobody holds: the session and the generation of this entry.
/// A handle that takes the session back bumps the generation, so an eviction callback that arrives late for an older
/// entry is recognised and ignored.
/// </summary>
internal sealed record IdlePoolEntry(RefreshingSession Session, long Generation);
