using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using CredentialKit.LocalSts.Tokens;

namespace CredentialKit.LocalSts;

/// <summary>Helpers that mint the credentials the federation operations accept, and TOTP codes for MFA.</summary>
public static class LocalStsTokens
{
    /// <summary>The SAML 2.0 assertion namespace.</summary>
    public const string SamlAssertionNamespace = "urn:oasis:names:tc:SAML:2.0:assertion";

    /// <summary>The SAML 2.0 protocol namespace.</summary>
    public const string SamlProtocolNamespace = "urn:oasis:names:tc:SAML:2.0:protocol";

    /// <summary>
    /// Mints an HS256-signed OIDC ID token (JWT) for AssumeRoleWithWebIdentity. Claims: <c>iss</c>, <c>sub</c>, <c>aud</c>,
    /// <c>iat</c>, <c>exp</c>, and when tags are given <c>https://aws.amazon.com/tags</c> with <c>principal_tags</c> (each value a
    /// one-element array) and <c>transitive_tag_keys</c>.
    /// </summary>
    /// <param name="issuer">The <c>iss</c> claim; must equal a configured <see cref="LocalStsOidcProvider.Issuer"/>.</param>
    /// <param name="signingKey">The provider's <see cref="LocalStsOidcProvider.SigningKey"/> (a wrong key gives InvalidIdentityToken).</param>
    /// <param name="subject">The <c>sub</c> claim.</param>
    /// <param name="audience">The <c>aud</c> claim.</param>
    /// <param name="expiresAt">The <c>exp</c> claim (checked against the server's clock).</param>
    /// <param name="issuedAt">The <c>iat</c> claim; default one minute before <paramref name="expiresAt"/> minus an hour.</param>
    /// <param name="principalTags">Session tags to request, or <see langword="null"/>.</param>
    /// <param name="transitiveTagKeys">Which of <paramref name="principalTags"/> are transitive, or <see langword="null"/>.</param>
    /// <returns>The compact JWT.</returns>
    public static string MintWebIdentityToken(
        string issuer, string signingKey, string subject, string audience, DateTimeOffset expiresAt, DateTimeOffset? issuedAt = null,
        IReadOnlyDictionary<string, string>? principalTags = null, IEnumerable<string>? transitiveTagKeys = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentException.ThrowIfNullOrEmpty(signingKey);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        var payload = new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["sub"] = subject,
            ["aud"] = audience,
            ["iat"] = (issuedAt ?? expiresAt.AddHours(-1)).ToUnixTimeSeconds(),
            ["exp"] = expiresAt.ToUnixTimeSeconds(),
        };
        if (principalTags is not null)
        {
            payload["https://aws.amazon.com/tags"] = new Dictionary<string, object>
            {
                ["principal_tags"] = principalTags.ToDictionary(t => t.Key, t => new[] { t.Value }),
                ["transitive_tag_keys"] = transitiveTagKeys?.ToArray() ?? [],
            };
        }

        var header = JsonWebToken.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "HS256", ["typ"] = "JWT" }));
        var body = JsonWebToken.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signingInput = header + "." + body;
        return signingInput + "." + JsonWebToken.Base64UrlEncode(JsonWebToken.Sign(signingInput, signingKey));
    }

    /// <summary>Mints a token for a configured provider, with its first audience.</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="subject">The <c>sub</c> claim.</param>
    /// <param name="expiresAt">The <c>exp</c> claim.</param>
    /// <returns>The compact JWT.</returns>
    public static string MintWebIdentityToken(LocalStsOidcProvider provider, string subject, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return MintWebIdentityToken(provider.Issuer, provider.SigningKey, subject, provider.Audiences.FirstOrDefault() ?? "sts.amazonaws.com", expiresAt);
    }

    /// <summary>
    /// Mints a minimal, unsigned, base64-encoded SAML 2.0 Response for AssumeRoleWithSAML: Issuer, Subject/NameID, Conditions
    /// (NotOnOrAfter, AudienceRestriction), an optional AuthnStatement SessionNotOnOrAfter, and the AWS attributes
    /// <c>https://aws.amazon.com/SAML/Attributes/Role</c> (<c>roleArn,principalArn</c>), <c>…/RoleSessionName</c>,
    /// <c>…/PrincipalTag:KEY</c> and <c>…/TransitiveTagKeys</c>.
    /// </summary>
    /// <param name="issuer">The IdP entity id; must equal <see cref="LocalStsSamlProvider.Issuer"/>.</param>
    /// <param name="roleArn">The role the assertion grants.</param>
    /// <param name="principalArn">The SAML provider ARN.</param>
    /// <param name="roleSessionName">The RoleSessionName attribute.</param>
    /// <param name="notOnOrAfter">When the assertion stops being valid (server clock).</param>
    /// <param name="subject">The NameID; default <c>user@example.com</c>.</param>
    /// <param name="audience">The audience; default <c>https://signin.aws.amazon.com/saml</c>.</param>
    /// <param name="principalTags">Session tags, or <see langword="null"/>.</param>
    /// <param name="transitiveTagKeys">Transitive keys among the tags, or <see langword="null"/>.</param>
    /// <param name="sessionNotOnOrAfter">Caps the session's expiration, or <see langword="null"/>.</param>
    /// <returns>The base64 assertion for the <c>SAMLAssertion</c> parameter.</returns>
    public static string MintSamlAssertion(
        string issuer, string roleArn, string principalArn, string roleSessionName, DateTimeOffset notOnOrAfter,
        string subject = "user@example.com", string audience = LocalStsDefaults.SamlAudience,
        IReadOnlyDictionary<string, string>? principalTags = null, IEnumerable<string>? transitiveTagKeys = null,
        DateTimeOffset? sessionNotOnOrAfter = null)
    {
        XNamespace saml = SamlAssertionNamespace;
        XNamespace samlp = SamlProtocolNamespace;
        const string attr = "https://aws.amazon.com/SAML/Attributes/";
        var time = (DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        XElement Attribute(string name, IEnumerable<string> values) =>
            new(saml + "Attribute", new XAttribute("Name", name), values.Select(v => new XElement(saml + "AttributeValue", v)));

        var attributes = new List<XElement>
        {
            Attribute(attr + "Role", [roleArn + "," + principalArn]),
            Attribute(attr + "RoleSessionName", [roleSessionName]),
        };
        attributes.AddRange((principalTags ?? new Dictionary<string, string>()).Select(t => Attribute(attr + "PrincipalTag:" + t.Key, [t.Value])));
        if (transitiveTagKeys is not null)
        {
            attributes.Add(Attribute(attr + "TransitiveTagKeys", transitiveTagKeys));
        }

        var response = new XElement(samlp + "Response",
            new XAttribute(XNamespace.Xmlns + "samlp", SamlProtocolNamespace),
            new XAttribute(XNamespace.Xmlns + "saml", SamlAssertionNamespace),
            new XElement(saml + "Issuer", issuer),
            new XElement(saml + "Assertion",
                new XElement(saml + "Issuer", issuer),
                new XElement(saml + "Subject",
                    new XElement(saml + "NameID", new XAttribute("Format", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"), subject),
                    new XElement(saml + "SubjectConfirmation", new XAttribute("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer"),
                        new XElement(saml + "SubjectConfirmationData", new XAttribute("NotOnOrAfter", time(notOnOrAfter)), new XAttribute("Recipient", audience)))),
                new XElement(saml + "Conditions", new XAttribute("NotOnOrAfter", time(notOnOrAfter)),
                    new XElement(saml + "AudienceRestriction", new XElement(saml + "Audience", audience))),
                sessionNotOnOrAfter is { } s ? new XElement(saml + "AuthnStatement", new XAttribute("SessionNotOnOrAfter", time(s))) : null,
                new XElement(saml + "AttributeStatement", attributes)));
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(response.ToString(SaveOptions.DisableFormatting)));
    }

    /// <summary>The RFC 6238 TOTP code (SHA-1, 6 digits, 30 s step) of <paramref name="base32Secret"/> at <paramref name="at"/>.</summary>
    /// <param name="base32Secret">The base32 secret, for example <see cref="LocalStsDemo.MfaTotpSecret"/>.</param>
    /// <param name="at">The instant; use the same clock as the server.</param>
    /// <returns>Six digits.</returns>
    public static string ComputeTotp(string base32Secret, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(base32Secret);
        return Totp.Compute(base32Secret, at);
    }
}
