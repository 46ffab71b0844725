namespace CredentialKit.LocalSts;

/// <summary>An OIDC identity provider registered in an account, used by AssumeRoleWithWebIdentity.</summary>
/// <remarks>
/// Tokens are HS256 JWTs signed with <see cref="SigningKey"/> (a shared secret): real AWS requires RS256 against the provider's
/// JWKS, which a loopback emulator cannot fetch. Mint tokens with <c>LocalStsTokens.MintWebIdentityToken</c>.
/// </remarks>
public sealed class LocalStsOidcProvider
{
    /// <summary>The issuer URL, for example <c>https://oidc.example.com</c>; must match the token's <c>iss</c> claim.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>Accepted audiences (client ids); the token's <c>aud</c> must be one of them.</summary>
    /// <value>Default <c>sts.amazonaws.com</c>.</value>
    public List<string> Audiences { get; set; } = ["sts.amazonaws.com"];

    /// <summary>The HS256 shared secret used to verify token signatures (UTF-8 bytes of this string).</summary>
    public string SigningKey { get; set; } = string.Empty;

    /// <summary>The provider ARN in <paramref name="accountId"/>: <c>arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH</c>.</summary>
    /// <param name="accountId">The owning account id.</param>
    /// <returns>The provider ARN.</returns>
    public string Arn(string accountId) => $"arn:aws:iam::{accountId}:oidc-provider/{HostAndPath}";

    internal string HostAndPath => Issuer.Replace("https://", string.Empty, StringComparison.OrdinalIgnoreCase).TrimEnd('/');
}
