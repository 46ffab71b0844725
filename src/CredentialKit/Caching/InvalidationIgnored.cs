namespace CredentialKit;

/// <summary>Why an invalidation left the session in place (logged at Debug, EventId 30).</summary>
internal enum InvalidationIgnored
{
    /// <summary>The rejected credentials are no longer current: another caller already replaced them.</summary>
    NotCurrent,

    /// <summary>No session or remembered failure is held: a refresh is in flight (callers join it), or the next call starts one.</summary>
    NothingToDrop,

    /// <summary>
    /// Another invalidation dropped a session, or its replacement was issued, less than the coalescing window ago:
    /// invalidations arriving together share one new session.
    /// </summary>
    Coalesced,
}
