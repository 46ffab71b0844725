namespace CredentialKit;

/// <summary>
/// A source that issues a session of its own (hop 0 of the chain): how to describe it for the cache key, how to build its
/// fetcher, and what it means for the roles after it.
/// </summary>
/// <param name="Subject">What the session is for, as logs and errors name it (a role ARN or an operation description).</param>
/// <param name="Description">Every parameter that shapes the session, for the cache key; never a secret.</param>
/// <param name="IsRoleSession">
/// Whether the session is an assumed-role session (web identity, SAML, a profile's role): a role assumed with it is role
/// chaining and limited to one hour. A GetSessionToken session is not.
/// </param>
/// <param name="AllowsRoles">Whether STS lets this session assume roles at all (a federation token cannot).</param>
/// <param name="CreateFetcher">Builds the fetcher for one session in a cache.</param>
/// <param name="FleetIdentity">
/// The session's fleet-wide identity for the chain's endpoint (<see cref="FleetHopIdentity"/>), from the signer's identity;
/// <see langword="null"/> (or absent) when processes of a fleet must not share it.
/// </param>
internal sealed record SourceSession(
    string Subject,
    string Description,
    bool IsRoleSession,
    bool AllowsRoles,
    Func<ChainContext, CredentialKitContext, ISessionFetcher> CreateFetcher,
    Func<string?, StsOptions, string?>? FleetIdentity = null);
