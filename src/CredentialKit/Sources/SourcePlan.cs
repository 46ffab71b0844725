namespace CredentialKit;

/// <summary>
/// What a <see cref="SourceCredentialsOptions"/> expands to before <see cref="CredentialKitProfileOptions.Roles"/>: the
/// credentials that sign the first call, an optional session-producing hop 0, and (for shared-config profiles) the roles
/// the profile itself assumes.
/// </summary>
/// <param name="Signer">Signs hop 0 (or the first role when there is no hop 0).</param>
/// <param name="Session">The source's own session, if it issues one.</param>
/// <param name="ProfileRoles">Roles a shared-config profile assumes, in order, before the configured roles.</param>
internal sealed record SourcePlan(SourceCredentials Signer, SourceSession? Session, IReadOnlyList<AssumeRoleOptions> ProfileRoles)
{
    /// <summary>Gets whether the chain produces a session even with no configured role.</summary>
    public bool ProducesSession => Session is not null || ProfileRoles.Count > 0;
}
