namespace CredentialKit.LocalSts;

/// <summary>An IAM role and its trust policy, reduced to what STS checks.</summary>
public sealed class LocalStsRole
{
    /// <summary>The role name (the last part of the role ARN).</summary>
    public string RoleName { get; set; } = string.Empty;

    /// <summary>Maximum session duration for AssumeRole* on this role (1 h to 12 h).</summary>
    /// <value>Default 1 hour.</value>
    public TimeSpan MaxSessionDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Principal ARNs allowed to assume the role: user ARNs (<c>arn:aws:iam::A:user/N</c>); role ARNs, meaning any session of
    /// that role (role chaining); an account root (<c>arn:aws:iam::A:root</c>), meaning any user or role session of that account;
    /// OIDC provider ARNs (<c>arn:aws:iam::A:oidc-provider/HOST/PATH</c>) and SAML provider ARNs
    /// (<c>arn:aws:iam::A:saml-provider/NAME</c>) for the federated operations; or <c>*</c> for anyone.
    /// </summary>
    public List<string> TrustedPrincipals { get; set; } = [];

    /// <summary>The external id the caller must pass (trust condition <c>sts:ExternalId</c>), or <see langword="null"/>.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? RequiredExternalId { get; set; }

    /// <summary>Whether AssumeRole needs MFA (trust condition <c>aws:MultiFactorAuthPresent</c>).</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool RequireMfa { get; set; }

    /// <summary>Tags on the role itself; session tags with the same key (case-insensitive) override them.</summary>
    public Dictionary<string, string> Tags { get; set; } = [];

    /// <summary>Adds trusted principal ARNs and returns this role.</summary>
    /// <param name="principalArns">The principal ARNs.</param>
    /// <returns>This role.</returns>
    public LocalStsRole Trust(params string[] principalArns)
    {
        TrustedPrincipals.AddRange(principalArns);
        return this;
    }
}
