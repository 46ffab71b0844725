using System.Globalization;
using System.Text.Json;
using CredentialKit.LocalSts.Protocol;
using CredentialKit.LocalSts.Tokens;

namespace CredentialKit.LocalSts.Operations;

/// <summary>AssumeRoleWithWebIdentity (unsigned): validates an HS256 JWT against an OIDC provider of the role's account.</summary>
internal sealed class AssumeRoleWithWebIdentityOperation(StsState state) : IStsOperation
{
    private const string TagsClaim = "https://aws.amazon.com/tags";

    public string Name => "AssumeRoleWithWebIdentity";

    public bool RequiresSignature => false;

    public OperationResult Execute(QueryParameters p, Caller? caller)
    {
        var v = new ParameterValidator();
        var roleArn = v.Arn(p.Get("RoleArn"), "roleArn", required: true);
        var sessionName = v.String(p.Get("RoleSessionName"), "roleSessionName", true, 2, 64, ParameterValidator.NamePattern().IsMatch, ParameterValidator.NamePatternText);
        var token = v.String(p.Get("WebIdentityToken"), "webIdentityToken", true, 4, 20000, sensitive: true);
        v.String(p.Get("ProviderId"), "providerId", false, 4, 2048);
        var policyArns = CommonParameters.ParsePolicyArns(p, v);
        var policy = v.Policy(p.Get("Policy"), max: 2048);
        var duration = v.Integer(p.Get("DurationSeconds"), "durationSeconds", 900, 43200);
        v.ThrowIfAny();

        RoleArns.EnsureValid(roleArn!);
        CommonParameters.CheckPolicyJson(policy);
        var denied = StsException.AccessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity");
        if (state.Identities.FindRole(roleArn!) is not var (account, role))
        {
            throw denied;
        }

        var jwt = JsonWebToken.TryParse(token!)
            ?? throw new StsException(StsErrorCodes.InvalidIdentityToken, "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)");
        var issuer = jwt.GetString("iss") ?? string.Empty;
        var provider = account.OidcProviders.FirstOrDefault(o => string.Equals(o.Issuer.TrimEnd('/'), issuer.TrimEnd('/'), StringComparison.Ordinal))
            ?? throw new StsException(StsErrorCodes.InvalidIdentityToken, $"No OpenIDConnect provider found in your account for {issuer}");
        if (!jwt.VerifyHs256(provider.SigningKey))
        {
            throw new StsException(StsErrorCodes.InvalidIdentityToken, "The web identity token signature could not be verified.");
        }

        var now = state.Time.GetUtcNow().ToUnixTimeSeconds();
        if (jwt.GetNumber("exp") is not { } exp || now >= exp)
        {
            throw new StsException(StsErrorCodes.ExpiredTokenException,
                string.Create(CultureInfo.InvariantCulture, $"Token expired: current date/time {now} must be before the expiration date/time{jwt.GetNumber("exp")}"));
        }

        var audience = jwt.GetAudiences().FirstOrDefault(a => provider.Audiences.Contains(a, StringComparer.Ordinal))
            ?? throw new StsException(StsErrorCodes.InvalidIdentityToken, "Incorrect token audience");
        var subject = jwt.GetString("sub") ?? string.Empty;
        if (!TrustEvaluator.TrustsProvider(role, provider.Arn(account.AccountId)))
        {
            throw denied;
        }

        var (tags, transitive) = ReadTags(jwt);
        SessionTagRules.CheckRequestRules(tags, transitive);
        var (mergedTags, mergedTransitive) = SessionTagRules.Merge(null, tags, transitive);
        var lifetime = CommonParameters.RoleDuration(duration, role, chaining: false);
        var packed = PackedPolicy.Compute(policy, policyArns, mergedTags, state.Options.PackedPolicyBudget);
        var reportPacked = policy is not null || policyArns.Count > 0 || mergedTags.Count > 0;

        var (session, members) = RoleSessionFactory.Issue(state, new RoleSessionFactory.Request(
            Name, account, role, sessionName!, lifetime, mergedTags, mergedTransitive, null, false, null, reportPacked ? packed : null));
        members.Add(StsXml.Element("SubjectFromWebIdentityToken", subject));
        members.Add(StsXml.Element("Provider", issuer));
        members.Add(StsXml.Element("Audience", audience));
        return new OperationResult(members, session);
    }

    private static (List<KeyValuePair<string, string>> Tags, List<string> Transitive) ReadTags(JsonWebToken jwt)
    {
        var tags = new List<KeyValuePair<string, string>>();
        var transitive = new List<string>();
        if (!jwt.Payload.TryGetProperty(TagsClaim, out var claim) || claim.ValueKind != JsonValueKind.Object)
        {
            return (tags, transitive);
        }

        if (claim.TryGetProperty("principal_tags", out var principalTags) && principalTags.ValueKind == JsonValueKind.Object)
        {
            foreach (var tag in principalTags.EnumerateObject())
            {
                var value = tag.Value.ValueKind == JsonValueKind.Array ? tag.Value.EnumerateArray().FirstOrDefault().GetString() : tag.Value.GetString();
                tags.Add(new(tag.Name, value ?? string.Empty));
            }
        }

        if (claim.TryGetProperty("transitive_tag_keys", out var keys) && keys.ValueKind == JsonValueKind.Array)
        {
            transitive.AddRange(keys.EnumerateArray().Where(k => k.ValueKind == JsonValueKind.String).Select(k => k.GetString()!));
        }

        return (tags, transitive);
    }
}
