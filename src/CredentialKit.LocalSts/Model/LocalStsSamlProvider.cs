namespace CredentialKit.LocalSts;

/// <summary>A SAML identity provider registered in an account, used by AssumeRoleWithSAML.</summary>
/// <remarks>Assertions are not signed; the emulator trusts the issuer. Mint them with <see cref="LocalStsTokens.MintSamlAssertion"/>.</remarks>
public sealed class LocalStsSamlProvider
{
    /// <summary>The provider name (the last part of the provider ARN).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The IdP entity id; must match the assertion's <c>Issuer</c>.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>The accepted audience.</summary>
    /// <value>Default <c>https://signin.aws.amazon.com/saml</c>.</value>
    public string Audience { get; set; } = LocalStsDefaults.SamlAudience;

    /// <summary>The provider ARN in <paramref name="accountId"/>: <c>arn:aws:iam::ACCOUNT:saml-provider/NAME</c>.</summary>
    /// <param name="accountId">The owning account id.</param>
    /// <returns>The provider ARN.</returns>
    public string Arn(string accountId) => $"arn:aws:iam::{accountId}:saml-provider/{Name}";
}
