namespace CredentialKit;

/// <summary>Defaults of the shared-session protocol (see <see cref="SharedSessionCoordinator"/>): one place, for the README.</summary>
internal static class SharedSessionDefaults
{
    /// <summary>How long a refresh lease lasts unless released: covers an STS call with its retries; a dead holder's lease frees after it.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(10);

    /// <summary>How long a process that lost the lease waits for the holder's notification before reading again.</summary>
    public static readonly TimeSpan NotificationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A backstop on every store call, for stores that do not time-box their own operations: a store call that takes
    /// longer counts as a failure and the process calls STS itself.
    /// </summary>
    public static readonly TimeSpan StoreCallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The most rejected-session fingerprints remembered, so a rejected session is never adopted again.</summary>
    public const int RejectedSessionsRemembered = 256;
}
