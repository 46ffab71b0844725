namespace CredentialKit.LocalSts;

/// <summary>
/// Names and fake secrets of the demo world built by <see cref="LocalStsOptions.CreateDemo"/>: account 111122223333 with user
/// <c>demo</c> (MFA device with fixed code and TOTP), role <c>hub</c> (trusts demo, 12 h max), role <c>mfa-admin</c> (trusts demo,
/// needs MFA), role <c>web</c> (trusts the OIDC provider), role <c>sso</c> (trusts the SAML provider); account 444455556666 with
/// role <c>reports</c> (trusts sessions of hub, requires external id <c>r-7731</c>). These are local, fake credentials.
/// </summary>
public static class LocalStsDemo
{
    /// <summary>The main demo account.</summary>
    public const string AccountId = "111122223333";

    /// <summary>The second demo account, holding the <c>reports</c> role.</summary>
    public const string ReportsAccountId = "444455556666";

    /// <summary>The demo user's name.</summary>
    public const string UserName = "demo";

    /// <summary>The demo user's ARN.</summary>
    public const string UserArn = "arn:aws:iam::111122223333:user/demo";

    /// <summary>The demo user's long-term access key id.</summary>
    public const string AccessKeyId = "AKIALOCALSTSDEMO0001";

    /// <summary>The demo user's fake secret access key.</summary>
    public const string SecretAccessKey = "localStsDemoSecretKey/NotARealSecret0001";

    /// <summary>The demo user's MFA device serial.</summary>
    public const string MfaSerialNumber = "arn:aws:iam::111122223333:mfa/demo";

    /// <summary>A code always accepted for the demo MFA device.</summary>
    public const string MfaFixedCode = "123456";

    /// <summary>The demo MFA device's base32 TOTP secret.</summary>
    public const string MfaTotpSecret = "JBSWY3DPEHPK3PXP";

    /// <summary>Role <c>hub</c>: trusts the demo user; MaxSessionDuration 12 h.</summary>
    public const string HubRoleArn = "arn:aws:iam::111122223333:role/hub";

    /// <summary>Role <c>mfa-admin</c>: trusts the demo user, requires MFA.</summary>
    public const string MfaRoleArn = "arn:aws:iam::111122223333:role/mfa-admin";

    /// <summary>Role <c>reports</c> in account 444455556666: trusts sessions of hub, requires <see cref="ReportsExternalId"/>.</summary>
    public const string ReportsRoleArn = "arn:aws:iam::444455556666:role/reports";

    /// <summary>The external id the <c>reports</c> role requires.</summary>
    public const string ReportsExternalId = "r-7731";

    /// <summary>Role <c>web</c>: trusts the demo OIDC provider.</summary>
    public const string WebIdentityRoleArn = "arn:aws:iam::111122223333:role/web";

    /// <summary>The demo OIDC issuer.</summary>
    public const string OidcIssuer = "https://oidc.localsts.test";

    /// <summary>The demo OIDC provider ARN.</summary>
    public const string OidcProviderArn = "arn:aws:iam::111122223333:oidc-provider/oidc.localsts.test";

    /// <summary>The audience the demo OIDC provider accepts.</summary>
    public const string OidcAudience = "sts.amazonaws.com";

    /// <summary>The HS256 key of the demo OIDC provider.</summary>
    public const string OidcSigningKey = "localsts-demo-oidc-signing-key-0001";

    /// <summary>Role <c>sso</c>: trusts the demo SAML provider.</summary>
    public const string SamlRoleArn = "arn:aws:iam::111122223333:role/sso";

    /// <summary>The demo SAML provider ARN.</summary>
    public const string SamlProviderArn = "arn:aws:iam::111122223333:saml-provider/demo-idp";

    /// <summary>The demo SAML IdP entity id (assertion issuer).</summary>
    public const string SamlIssuer = "https://idp.localsts.test";

    internal static LocalStsOptions CreateOptions()
    {
        var options = new LocalStsOptions();
        var main = options.AddAccount(AccountId);
        main.AddUser(UserName, AccessKeyId, SecretAccessKey).WithMfa(MfaSerialNumber, MfaTotpSecret, MfaFixedCode);
        main.AddRole("hub", UserArn).MaxSessionDuration = TimeSpan.FromHours(12);
        main.AddRole("mfa-admin", UserArn).RequireMfa = true;
        main.AddRole("web", OidcProviderArn);
        main.AddRole("sso", SamlProviderArn);
        main.OidcProviders.Add(new LocalStsOidcProvider { Issuer = OidcIssuer, Audiences = [OidcAudience], SigningKey = OidcSigningKey });
        main.SamlProviders.Add(new LocalStsSamlProvider { Name = "demo-idp", Issuer = SamlIssuer });

        var reports = options.AddAccount(ReportsAccountId);
        reports.AddRole("reports", HubRoleArn).RequiredExternalId = ReportsExternalId;
        return options;
    }
}
