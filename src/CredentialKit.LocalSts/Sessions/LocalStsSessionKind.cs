namespace CredentialKit.LocalSts;

/// <summary>How a <see cref="LocalStsSession"/> was obtained.</summary>
public enum LocalStsSessionKind
{
    /// <summary>AssumeRole, AssumeRoleWithWebIdentity or AssumeRoleWithSAML: a role session.</summary>
    AssumedRole,

    /// <summary>GetFederationToken: a federated user session.</summary>
    FederatedUser,

    /// <summary>GetSessionToken: the IAM user's own identity, temporarily.</summary>
    SessionToken,
}
