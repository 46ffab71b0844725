using CredentialKit.LocalSts.Protocol;

namespace CredentialKit.LocalSts.Operations;

/// <summary>AssumeRole: validation, trust, external id, MFA, chaining limit, transitive tags, packed size.</summary>
internal sealed class AssumeRoleOperation(StsState state) : IStsOperation
{
    public string Name => "AssumeRole";

    public bool RequiresSignature => true;

    public OperationResult Execute(QueryParameters p, Caller? caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var v = new ParameterValidator();
        var roleArn = v.Arn(p.Get("RoleArn"), "roleArn", required: true);
        var sessionName = v.String(p.Get("RoleSessionName"), "roleSessionName", true, 2, 64, ParameterValidator.NamePattern().IsMatch, ParameterValidator.NamePatternText);
        var policyArns = CommonParameters.ParsePolicyArns(p, v);
        var policy = v.Policy(p.Get("Policy"), max: null);
        var duration = v.Integer(p.Get("DurationSeconds"), "durationSeconds", 900, 43200);
        var tags = SessionTagRules.ParseTags(p, v);
        var transitiveKeys = SessionTagRules.ParseTransitiveKeys(p, v);
        var externalId = v.String(p.Get("ExternalId"), "externalId", false, 2, 1224, ParameterValidator.ExternalIdPattern().IsMatch, ParameterValidator.ExternalIdPatternText);
        var serial = v.String(p.Get("SerialNumber"), "serialNumber", false, 9, 256, ParameterValidator.SerialPattern().IsMatch, ParameterValidator.SerialPatternText);
        var tokenCode = v.String(p.Get("TokenCode"), "tokenCode", false, 6, 6, ParameterValidator.TokenCodePattern().IsMatch, ParameterValidator.TokenCodePatternText, sensitive: true);
        // The reserved prefix is reported as such: the pattern (no ':') would otherwise always answer first.
        var requestedSourceIdentity = p.Get("SourceIdentity");
        var reservedSourceIdentity = requestedSourceIdentity?.StartsWith("aws:", StringComparison.OrdinalIgnoreCase) == true;
        var sourceIdentity = reservedSourceIdentity
            ? requestedSourceIdentity
            : v.String(requestedSourceIdentity, "sourceIdentity", false, 2, 64, ParameterValidator.NamePattern().IsMatch, ParameterValidator.NamePatternText);
        var contexts = p.GetStructList("ProvidedContexts");
        for (var i = 0; i < contexts.Count; i++)
        {
            v.Arn(contexts[i].GetValueOrDefault("ProviderArn"), $"providedContexts.{i + 1}.member.providerArn", required: false);
            v.String(contexts[i].GetValueOrDefault("ContextAssertion"), $"providedContexts.{i + 1}.member.contextAssertion", false, 4, 2048);
        }

        v.ListMax(contexts, "providedContexts", 5, _ => "ProvidedContext");
        v.ThrowIfAny();

        if (reservedSourceIdentity)
        {
            throw StsException.Validation(StsErrorCodes.SourceIdentityPrefixMessage);
        }

        RoleArns.EnsureValid(roleArn!);
        CommonParameters.CheckPolicyJson(policy);
        SessionTagRules.CheckRequestRules(tags, transitiveKeys);

        var denied = StsException.NotAuthorized(new AuthorizationDenial(caller.UserId, caller.Arn, "sts:AssumeRole", roleArn!));
        if (state.Identities.FindRole(roleArn!) is not var (account, role)
            || caller.Session?.Kind == LocalStsSessionKind.FederatedUser
            || !TrustEvaluator.Trusts(role, caller))
        {
            throw denied;
        }

        if (role.RequiredExternalId is { } requiredExternalId && !string.Equals(requiredExternalId, externalId, StringComparison.Ordinal))
        {
            throw denied;
        }

        var mfaUsers = caller.User is { } user ? [user] : state.Identities.FindAccount(caller.AccountId)?.Users ?? [];
        var mfa = MfaVerifier.Verify(state, mfaUsers, serial, tokenCode) || caller.Session?.MfaAuthenticated == true;
        if (role.RequireMfa && !mfa)
        {
            throw denied;
        }

        // A source identity persists through role chaining and cannot be changed (IAM user guide, "Monitor and control actions
        // taken with assumed roles"); AWS refuses the request as a source-identity permission failure.
        if (caller.Session?.SourceIdentity is { } inherited && sourceIdentity is not null && !string.Equals(inherited, sourceIdentity, StringComparison.Ordinal))
        {
            throw StsException.NotAuthorized(new AuthorizationDenial(caller.UserId, caller.Arn, "sts:SetSourceIdentity", roleArn!));
        }

        var lifetime = CommonParameters.RoleDuration(duration, role, chaining: caller.IsRoleSession);
        var (mergedTags, mergedTransitive) = SessionTagRules.Merge(caller.IsRoleSession ? caller.Session : null, tags, transitiveKeys);
        var packed = PackedPolicy.Compute(policy, policyArns, mergedTags, state.Options.PackedPolicyBudget);
        var reportPacked = policy is not null || policyArns.Count > 0 || mergedTags.Count > 0;

        var (session, members) = RoleSessionFactory.Issue(state, new RoleSessionFactory.Request(
            Name, account, role, sessionName!, lifetime, mergedTags, mergedTransitive, sourceIdentity ?? caller.Session?.SourceIdentity,
            mfa, caller.AccessKeyId, reportPacked ? packed : null));
        return new OperationResult(members, session);
    }
}
