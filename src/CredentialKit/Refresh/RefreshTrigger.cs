namespace CredentialKit;

/// <summary>Why a refresh started (a metric tag and a log field).</summary>
internal enum RefreshTrigger
{
    /// <summary>The first call; no session was held.</summary>
    Initial,

    /// <summary>A caller arrived inside the refresh-ahead window.</summary>
    RefreshAhead,

    /// <summary>The background timer fired at the scheduled moment.</summary>
    Timer,

    /// <summary>A caller arrived after the session dropped below its minimum lifetime.</summary>
    Expiring,

    /// <summary>The session was invalidated.</summary>
    Invalidated,
}
