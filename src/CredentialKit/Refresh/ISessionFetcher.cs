namespace CredentialKit;

/// <summary>Issues one new session (one STS operation, with its retries). The seam every source type plugs into.</summary>
internal interface ISessionFetcher : IDisposable
{
    /// <summary>Gets what the session is for, as named in logs and errors (a role ARN, or a source description).</summary>
    string RoleArn { get; }

    /// <summary>Issues a new session.</summary>
    /// <param name="usableUntil">
    /// Until when the session being replaced stays usable (the STS pacing puts such refreshes first);
    /// <see langword="null"/> when nothing usable is held.
    /// </param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <exception cref="CredentialRefreshException">STS could not issue one.</exception>
    Task<SessionCredentials> FetchAsync(DateTimeOffset? usableUntil, CancellationToken cancellationToken);
}
