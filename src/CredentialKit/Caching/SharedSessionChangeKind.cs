namespace CredentialKit;

/// <summary>What happened to a hop's shared session.</summary>
public enum SharedSessionChangeKind
{
    /// <summary>A process stored a new session for the hop; processes waiting for it read it now.</summary>
    Written = 0,

    /// <summary>A process reported the session rejected; processes holding it drop it.</summary>
    Removed = 1,
}
