namespace CredentialKit.LocalSts.Operations;

/// <summary>Decides whether a role's trust policy admits a caller (see <see cref="LocalStsRole.TrustedPrincipals"/>).</summary>
internal static class TrustEvaluator
{
    public static bool Trusts(LocalStsRole role, Caller caller) => role.TrustedPrincipals.Any(p =>
        p == "*"
        || p == $"arn:aws:iam::{caller.AccountId}:root"
        || (caller.UserArn is { } userArn && p == userArn)
        || (caller.IsRoleSession && (p == caller.Session!.RoleArn || p == caller.Arn)));

    public static bool TrustsProvider(LocalStsRole role, string providerArn) =>
        role.TrustedPrincipals.Any(p => p == "*" || p == providerArn);
}
