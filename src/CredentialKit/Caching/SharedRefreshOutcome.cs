namespace CredentialKit;

/// <summary>How a refresh through the shared store got its session; the <c>outcome</c> tag of <c>credentialkit.shared_store.refreshes</c>.</summary>
internal enum SharedRefreshOutcome
{
    /// <summary>Another process's session was read from the store: no STS call.</summary>
    Adopted,

    /// <summary>The lease was lost; the holder's session arrived while waiting: no STS call.</summary>
    AdoptedAfterWait,

    /// <summary>This process held the lease, called STS and shared the session.</summary>
    FetchedAndShared,

    /// <summary>This process held the lease and called STS, but the store refused the write.</summary>
    FetchedNotShared,

    /// <summary>The lease holder's session did not arrive in time and the lease was still taken: STS called without the store.</summary>
    FetchedAfterWait,

    /// <summary>The store failed or timed out: STS called as if there were no store.</summary>
    StoreUnavailable,
}
