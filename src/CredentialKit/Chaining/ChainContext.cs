using System.Collections.Immutable;

namespace CredentialKit;

/// <summary>The settings a chain passes from hop to hop, and the transitive tag keys its sessions carry so far.</summary>
/// <param name="ProfileName">The profile, if named.</param>
/// <param name="Sts">The endpoint settings (a private copy).</param>
/// <param name="Settings">The refresh settings.</param>
/// <param name="TransitiveTagKeys">Tag keys made transitive by earlier hops; a later hop may not set them again.</param>
/// <param name="RolesAllowed">Whether the session so far may assume roles (a GetFederationToken session may not).</param>
/// <param name="IsRoleSession">
/// Whether the session so far is an assumed-role session, so that a role assumed with it is role chaining (one hour at
/// most); a GetSessionToken session is not.
/// </param>
/// <param name="FleetIdentity">
/// The fleet-wide identity of the session so far (<see cref="FleetHopIdentity"/>), under which processes of a fleet share
/// it through <see cref="SessionCacheOptions.SharedStore"/>; <see langword="null"/> when it stays per-process.
/// </param>
internal sealed record ChainContext(
    string? ProfileName,
    StsOptions Sts,
    RefreshSettings Settings,
    ImmutableHashSet<string> TransitiveTagKeys,
    bool RolesAllowed = true,
    bool IsRoleSession = true,
    string? FleetIdentity = null);
