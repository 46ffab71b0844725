using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using CredentialKit.LocalSts.Protocol;

namespace CredentialKit.LocalSts.Operations;

/// <summary>AssumeRoleWithSAML (unsigned): validates a minimal, unsigned SAML 2.0 Response (see <see cref="LocalStsTokens.MintSamlAssertion"/>).</summary>
internal sealed class AssumeRoleWithSamlOperation(StsState state) : IStsOperation
{
    private const string Attr = "https://aws.amazon.com/SAML/Attributes/";
    private static readonly XNamespace Saml = LocalStsTokens.SamlAssertionNamespace;

    public string Name => "AssumeRoleWithSAML";

    public bool RequiresSignature => false;

    public OperationResult Execute(QueryParameters p, Caller? caller)
    {
        var v = new ParameterValidator();
        var roleArn = v.Arn(p.Get("RoleArn"), "roleArn", required: true);
        var principalArn = v.Arn(p.Get("PrincipalArn"), "principalArn", required: true);
        var assertion = v.String(p.Get("SAMLAssertion"), "sAMLAssertion", true, 4, 100000, sensitive: true);
        var policyArns = CommonParameters.ParsePolicyArns(p, v);
        var policy = v.Policy(p.Get("Policy"), max: 2048);
        var duration = v.Integer(p.Get("DurationSeconds"), "durationSeconds", 900, 43200);
        v.ThrowIfAny();

        RoleArns.EnsureValid(roleArn!);
        CommonParameters.CheckPolicyJson(policy);
        var denied = StsException.AccessDenied("Not authorized to perform sts:AssumeRoleWithSAML");
        if (state.Identities.FindRole(roleArn!) is not var (account, role))
        {
            throw denied;
        }

        var provider = account.SamlProviders.FirstOrDefault(s => s.Arn(account.AccountId) == principalArn)
            ?? throw new StsException(StsErrorCodes.InvalidIdentityToken, $"SAML provider {principalArn} was not found in the role's account.");
        var doc = Parse(assertion!);
        var issuer = doc.Descendants(Saml + "Issuer").FirstOrDefault()?.Value;
        if (!string.Equals(issuer, provider.Issuer, StringComparison.Ordinal))
        {
            throw new StsException(StsErrorCodes.InvalidIdentityToken, "Issuer of the SAML response does not match the identity provider's metadata.");
        }

        var audience = doc.Descendants(Saml + "Audience").Select(a => a.Value).FirstOrDefault(a => a == provider.Audience)
            ?? throw new StsException(StsErrorCodes.InvalidIdentityToken, $"SAML Assertion does not contain the expected audience {provider.Audience}.");
        var now = state.Time.GetUtcNow();
        var notOnOrAfter = Instant(doc.Descendants(Saml + "Conditions").FirstOrDefault()?.Attribute("NotOnOrAfter")?.Value);
        if (notOnOrAfter is null || now >= notOnOrAfter)
        {
            throw new StsException(StsErrorCodes.ExpiredTokenException, "Token expired: the SAML assertion is no longer valid (Conditions NotOnOrAfter has passed).");
        }

        var attributes = doc.Descendants(Saml + "Attribute")
            .GroupBy(a => (string?)a.Attribute("Name") ?? string.Empty, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(a => a.Elements(Saml + "AttributeValue").Select(x => x.Value.Trim())).ToList(), StringComparer.Ordinal);
        var pairs = attributes.GetValueOrDefault(Attr + "Role") ?? [];
        if (!pairs.Any(pair => pair.Split(',').Select(s => s.Trim()).ToHashSet(StringComparer.Ordinal).SetEquals([roleArn!, principalArn!]))
            || !TrustEvaluator.TrustsProvider(role, principalArn!))
        {
            throw denied;
        }

        var sessionName = attributes.GetValueOrDefault(Attr + "RoleSessionName")?.FirstOrDefault()
            ?? throw new StsException(StsErrorCodes.InvalidIdentityToken, "RoleSessionName is required in AuthnResponse");
        if (sessionName.Length is < 2 or > 64 || !ParameterValidator.NamePattern().IsMatch(sessionName))
        {
            throw new StsException(StsErrorCodes.InvalidIdentityToken, $"RoleSessionName in AuthnResponse must satisfy length 2-64 and pattern {ParameterValidator.NamePatternText}");
        }

        var tags = attributes.Where(a => a.Key.StartsWith(Attr + "PrincipalTag:", StringComparison.Ordinal))
            .Select(a => new KeyValuePair<string, string>(a.Key[(Attr.Length + "PrincipalTag:".Length)..], a.Value.FirstOrDefault() ?? string.Empty)).ToList();
        var transitive = attributes.GetValueOrDefault(Attr + "TransitiveTagKeys") ?? [];
        SessionTagRules.CheckRequestRules(tags, transitive);
        var (mergedTags, mergedTransitive) = SessionTagRules.Merge(null, tags, transitive);

        var lifetime = CommonParameters.RoleDuration(duration, role, chaining: false);
        if (Instant(doc.Descendants(Saml + "AuthnStatement").FirstOrDefault()?.Attribute("SessionNotOnOrAfter")?.Value) is { } sessionEnd
            && sessionEnd - now < lifetime)
        {
            lifetime = sessionEnd - now;
        }

        var packed = PackedPolicy.Compute(policy, policyArns, mergedTags, state.Options.PackedPolicyBudget);
        var reportPacked = policy is not null || policyArns.Count > 0 || mergedTags.Count > 0;
        var (session, members) = RoleSessionFactory.Issue(state, new RoleSessionFactory.Request(
            Name, account, role, sessionName, lifetime, mergedTags, mergedTransitive, null, false, null, reportPacked ? packed : null));

        var nameId = doc.Descendants(Saml + "NameID").FirstOrDefault();
        var format = (string?)nameId?.Attribute("Format") ?? "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
        var qualifier = Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(issuer + account.AccountId + "/" + provider.Name)));
        members.Add(StsXml.Element("Subject", nameId?.Value ?? string.Empty));
        members.Add(StsXml.Element("SubjectType", format.Replace("urn:oasis:names:tc:SAML:2.0:nameid-format:", string.Empty, StringComparison.Ordinal)));
        members.Add(StsXml.Element("Issuer", issuer));
        members.Add(StsXml.Element("Audience", audience));
        members.Add(StsXml.Element("NameQualifier", qualifier));
        return new OperationResult(members, session);
    }

    private static XDocument Parse(string base64)
    {
        try
        {
            var xml = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return XDocument.Load(reader);
        }
        catch (Exception ex) when (ex is FormatException or XmlException)
        {
            throw new StsException(StsErrorCodes.InvalidIdentityToken, "Response could not be parsed as a SAML 2.0 Response.");
        }
    }

    private static DateTimeOffset? Instant(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
}
