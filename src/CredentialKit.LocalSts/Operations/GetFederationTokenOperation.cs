using CredentialKit.LocalSts.Protocol;
using CredentialKit.LocalSts.Sessions;

namespace CredentialKit.LocalSts.Operations;

/// <summary>GetFederationToken: long-term IAM-user keys only; Name, Policy (≤2048), PolicyArns, Tags; PackedPolicySize always present.</summary>
internal sealed class GetFederationTokenOperation(StsState state) : IStsOperation
{
    public string Name => "GetFederationToken";

    public bool RequiresSignature => true;

    public OperationResult Execute(QueryParameters p, Caller? caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var v = new ParameterValidator();
        var name = v.String(p.Get("Name"), "name", true, 2, 32, ParameterValidator.NamePattern().IsMatch, ParameterValidator.NamePatternText);
        var policy = v.Policy(p.Get("Policy"), max: 2048);
        var policyArns = CommonParameters.ParsePolicyArns(p, v);
        var duration = v.Integer(p.Get("DurationSeconds"), "durationSeconds", 900, 129600);
        var tags = SessionTagRules.ParseTags(p, v);
        v.ThrowIfAny();

        CommonParameters.CheckPolicyJson(policy);
        SessionTagRules.CheckRequestRules(tags, []);
        if (!caller.IsLongTermUser)
        {
            throw StsException.AccessDenied("Cannot call GetFederationToken with session credentials");
        }

        var tagMap = tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.OrdinalIgnoreCase);
        var packed = PackedPolicy.Compute(policy, policyArns, tagMap, state.Options.PackedPolicyBudget);
        var arn = $"arn:aws:sts::{caller.AccountId}:federated-user/{name}";
        var userId = $"{caller.AccountId}:{name}";
        var lifetime = TimeSpan.FromSeconds(duration ?? (int)LocalStsDefaults.SessionTokenDefaultDuration.TotalSeconds);
        var session = SessionIssuer.Issue(state, caller.AccountId, lifetime, x => new LocalStsSession
        {
            AccessKeyId = x.Ak,
            SecretAccessKey = SessionStore.NewSecret(),
            SessionToken = x.Token,
            IssuedAt = x.Now,
            Expiration = x.Exp,
            Kind = LocalStsSessionKind.FederatedUser,
            Operation = Name,
            AccountId = caller.AccountId,
            Arn = arn,
            UserId = userId,
            RoleSessionName = name,
            Tags = tagMap,
            SourceAccessKeyId = caller.AccessKeyId,
        });
        return new OperationResult(
            [
                StsXml.Credentials(session),
                StsXml.Element("FederatedUser", new object[] { StsXml.Element("Arn", arn), StsXml.Element("FederatedUserId", userId) }),
                StsXml.Element("PackedPolicySize", packed),
            ],
            session);
    }
}
