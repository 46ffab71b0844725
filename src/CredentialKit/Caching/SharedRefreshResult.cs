namespace CredentialKit;

/// <summary>The session a shared refresh produced and how it got it.</summary>
/// <param name="Credentials">The session to install.</param>
/// <param name="Outcome">Where it came from.</param>
internal readonly record struct SharedRefreshResult(SessionCredentials Credentials, SharedRefreshOutcome Outcome)
{
    /// <summary>Gets whether STS was called for this result (rather than a session adopted from the store).</summary>
    public bool CalledSts => Outcome is not (SharedRefreshOutcome.Adopted or SharedRefreshOutcome.AdoptedAfterWait);
}
