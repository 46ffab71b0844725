namespace CredentialKit.LocalSts;

/// <summary>An emulated AWS account: its IAM users, roles and identity providers.</summary>
public sealed class LocalStsAccount
{
    /// <summary>Creates an empty account model (for configuration binding).</summary>
    public LocalStsAccount()
    {
    }

    /// <summary>Creates an account with the given 12-digit id.</summary>
    /// <param name="accountId">The 12-digit account id, for example <c>111122223333</c>.</param>
    public LocalStsAccount(string accountId) => AccountId = accountId;

    /// <summary>The 12-digit account id.</summary>
    public string AccountId { get; set; } = string.Empty;

    /// <summary>IAM users with long-term access keys.</summary>
    public List<LocalStsUser> Users { get; set; } = [];

    /// <summary>IAM roles that can be assumed.</summary>
    public List<LocalStsRole> Roles { get; set; } = [];

    /// <summary>OIDC identity providers trusted for AssumeRoleWithWebIdentity.</summary>
    public List<LocalStsOidcProvider> OidcProviders { get; set; } = [];

    /// <summary>SAML identity providers trusted for AssumeRoleWithSAML.</summary>
    public List<LocalStsSamlProvider> SamlProviders { get; set; } = [];

    /// <summary>The account root principal ARN, <c>arn:aws:iam::ACCOUNT:root</c>, which trusts anyone in the account.</summary>
    public string RootArn => $"arn:aws:iam::{AccountId}:root";

    /// <summary>Adds an IAM user and returns it for further configuration.</summary>
    /// <param name="userName">The user name.</param>
    /// <param name="accessKeyId">The long-term access key id (starts with <c>AKIA</c>).</param>
    /// <param name="secretAccessKey">The secret access key.</param>
    /// <returns>The added user.</returns>
    public LocalStsUser AddUser(string userName, string accessKeyId, string secretAccessKey)
    {
        var user = new LocalStsUser { UserName = userName, AccessKeyId = accessKeyId, SecretAccessKey = secretAccessKey };
        Users.Add(user);
        return user;
    }

    /// <summary>Adds a role and returns it for further configuration.</summary>
    /// <param name="roleName">The role name.</param>
    /// <param name="trustedPrincipalArns">Principals allowed to assume the role (see <see cref="LocalStsRole.TrustedPrincipals"/>).</param>
    /// <returns>The added role.</returns>
    public LocalStsRole AddRole(string roleName, params string[] trustedPrincipalArns)
    {
        var role = new LocalStsRole { RoleName = roleName, TrustedPrincipals = [.. trustedPrincipalArns] };
        Roles.Add(role);
        return role;
    }

    /// <summary>The ARN of a role of this account.</summary>
    /// <param name="roleName">The role name.</param>
    /// <returns><c>arn:aws:iam::ACCOUNT:role/NAME</c>.</returns>
    public string RoleArn(string roleName) => $"arn:aws:iam::{AccountId}:role/{roleName}";

    /// <summary>The ARN of a user of this account.</summary>
    /// <param name="userName">The user name.</param>
    /// <returns><c>arn:aws:iam::ACCOUNT:user/NAME</c>.</returns>
    public string UserArn(string userName) => $"arn:aws:iam::{AccountId}:user/{userName}";
}
