namespace CredentialKit;

/// <summary>Issues one new session (one STS operation, with its retries). The seam every source type plugs into.</summary>
internal interface ISessionFetcher : IDisposable
{
    /// <summary>Gets what the session is for, as named in logs and errors (a role ARN, or a source description).</summary>
    string RoleArn { get; }

    /// <summary>Issues a new session.</summary>
    /// <param name="request">What the STS call must know about this refresh (see <see cref="FetchRequest"/>).</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <exception cref="CredentialRefreshException">STS could not issue one.</exception>
    Task<SessionCredentials> FetchAsync(FetchRequest request, CancellationToken cancellationToken);
}
