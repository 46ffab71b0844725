namespace CredentialKit;

/// <summary>The health of a provider's current session.</summary>
public enum CredentialProviderState
{
    /// <summary>No session has been issued yet, or the last one is no longer usable.</summary>
    NoCredentials = 0,

    /// <summary>A session is held and will be refreshed on schedule.</summary>
    Fresh = 1,

    /// <summary>The last refresh failed; the cached session is still served and another attempt is scheduled.</summary>
    ServingCachedAfterFailure = 2,

    /// <summary>The held session has less than the minimum lifetime left: callers wait for the next refresh.</summary>
    BelowMinimumLifetime = 3,

    /// <summary>The provider (or the session cache under it) was disposed: it hands out no credentials any more.</summary>
    Disposed = 4,
}
