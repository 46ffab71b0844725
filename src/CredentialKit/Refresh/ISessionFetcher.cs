namespace CredentialKit;

/// <summary>Issues one new session (one STS operation, with its retries). The seam every source type plugs into.</summary>
internal interface ISessionFetcher : IDisposable
{
    /// <summary>Gets what the session is for, as named in logs and errors (a role ARN, or a source description).</summary>
    string RoleArn { get; }

    /// <summary>Issues a new session.</summary>
    /// <exception cref="CredentialRefreshException">STS could not issue one.</exception>
    Task<SessionCredentials> FetchAsync(CancellationToken cancellationToken);
}
