using CredentialKit.LocalSts.Model;
using CredentialKit.LocalSts.Protocol;
using CredentialKit.LocalSts.Sessions;

namespace CredentialKit.LocalSts.Operations;

/// <summary>GetSessionToken: long-term IAM-user keys only; optional MFA (SerialNumber + TokenCode).</summary>
internal sealed class GetSessionTokenOperation(StsState state) : IStsOperation
{
    public string Name => "GetSessionToken";

    public bool RequiresSignature => true;

    public OperationResult Execute(QueryParameters p, Caller? caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var v = new ParameterValidator();
        var duration = v.Integer(p.Get("DurationSeconds"), "durationSeconds", 900, 129600);
        var serial = v.String(p.Get("SerialNumber"), "serialNumber", false, 9, 256, ParameterValidator.SerialPattern().IsMatch, ParameterValidator.SerialPatternText);
        var tokenCode = v.String(p.Get("TokenCode"), "tokenCode", false, 6, 6, ParameterValidator.TokenCodePattern().IsMatch, ParameterValidator.TokenCodePatternText, sensitive: true);
        v.ThrowIfAny();

        if (!caller.IsLongTermUser || caller.User is not { } user)
        {
            throw StsException.AccessDenied("Cannot call GetSessionToken with session credentials");
        }

        var mfa = MfaVerifier.Verify(state, [user], serial, tokenCode);
        var lifetime = TimeSpan.FromSeconds(duration ?? (int)LocalStsDefaults.SessionTokenDefaultDuration.TotalSeconds);
        var session = SessionIssuer.Issue(state, caller.AccountId, lifetime, x => new LocalStsSession
        {
            AccessKeyId = x.Ak,
            SecretAccessKey = SessionStore.NewSecret(),
            SessionToken = x.Token,
            IssuedAt = x.Now,
            Expiration = x.Exp,
            Kind = LocalStsSessionKind.SessionToken,
            Operation = Name,
            AccountId = caller.AccountId,
            Arn = caller.Arn,
            UserId = IdentityStore.UserId(caller.AccountId, user.UserName),
            MfaAuthenticated = mfa,
            SourceAccessKeyId = caller.AccessKeyId,
        });
        return new OperationResult([StsXml.Credentials(session)], session);
    }
}
