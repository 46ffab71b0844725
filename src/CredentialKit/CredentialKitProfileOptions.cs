namespace CredentialKit;

/// <summary>
/// Everything CredentialKit needs to produce one stream of temporary credentials: where the chain starts
/// (<see cref="Source"/>), which roles it assumes in turn (<see cref="Roles"/>), how it reaches STS (<see cref="Sts"/>)
/// and when it re-issues sessions (<see cref="Refresh"/>).
/// </summary>
/// <remarks>
/// One instance describes one profile. In configuration it is the section
/// <c>CredentialKit:Profiles:&lt;name&gt;</c>; in code it is built with an object initializer.
/// </remarks>
public sealed class CredentialKitProfileOptions
{
    /// <summary>Gets the credentials the chain starts from: they sign the first STS call.</summary>
    public SourceCredentialsOptions Source { get; } = new();

    /// <summary>
    /// Gets the chain of roles: the first is assumed with the source credentials, each next one with the
    /// session of the role before it. The provider hands out the session of the last role.
    /// </summary>
    public IList<AssumeRoleOptions> Roles { get; } = new List<AssumeRoleOptions>();

    /// <summary>Gets how the STS endpoint is reached.</summary>
    public StsOptions Sts { get; } = new();

    /// <summary>Gets when sessions are re-issued and how STS failures are retried.</summary>
    public RefreshOptions Refresh { get; } = new();

    /// <summary>
    /// Gets or sets whether the profile's sessions are shared with the other processes of a fleet through the session
    /// cache's <see cref="SessionCacheOptions.SharedStore"/>, when it has one. Turn it off for a profile whose sessions
    /// must stay in this process (each process then appears in CloudTrail under its own session, and nobody who can read
    /// the store can read them); its hops then never share a session with a profile that shares, even in-process.
    /// </summary>
    /// <value>The default is <see langword="true"/>. Without a shared store it has no effect.</value>
    public bool UseSharedStore { get; set; } = true;
}
