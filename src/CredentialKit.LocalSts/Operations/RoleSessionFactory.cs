using System.Xml.Linq;
using CredentialKit.LocalSts.Model;
using CredentialKit.LocalSts.Protocol;
using CredentialKit.LocalSts.Sessions;

namespace CredentialKit.LocalSts.Operations;

/// <summary>Issues an assumed-role session and builds the shared result members (Credentials, AssumedRoleUser, PackedPolicySize).</summary>
internal static class RoleSessionFactory
{
    public sealed record Request(
        string Operation, LocalStsAccount Account, LocalStsRole Role, string SessionName, TimeSpan Duration,
        IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> TransitiveKeys, string? SourceIdentity,
        bool MfaAuthenticated, string? SourceAccessKeyId, int? PackedPolicySize);

    public static (LocalStsSession Session, List<XElement?> Members) Issue(StsState state, Request r)
    {
        var roleArn = r.Account.RoleArn(r.Role.RoleName);
        var arn = RoleArns.AssumedRoleArn(r.Account.AccountId, r.Role.RoleName, r.SessionName);
        var userId = $"{IdentityStore.RoleId(r.Account.AccountId, r.Role.RoleName)}:{r.SessionName}";
        var session = SessionIssuer.Issue(state, r.Account.AccountId, r.Duration, x => new LocalStsSession
        {
            AccessKeyId = x.Ak,
            SecretAccessKey = SessionStore.NewSecret(),
            SessionToken = x.Token,
            IssuedAt = x.Now,
            Expiration = x.Exp,
            Kind = LocalStsSessionKind.AssumedRole,
            Operation = r.Operation,
            AccountId = r.Account.AccountId,
            Arn = arn,
            UserId = userId,
            RoleArn = roleArn,
            RoleSessionName = r.SessionName,
            SourceIdentity = r.SourceIdentity,
            Tags = r.Tags,
            TransitiveTagKeys = r.TransitiveKeys,
            MfaAuthenticated = r.MfaAuthenticated,
            SourceAccessKeyId = r.SourceAccessKeyId,
        });

        var members = new List<XElement?>
        {
            StsXml.Credentials(session),
            StsXml.Element("AssumedRoleUser", new object[] { StsXml.Element("Arn", arn), StsXml.Element("AssumedRoleId", userId) }),
            r.PackedPolicySize is { } size ? StsXml.Element("PackedPolicySize", size) : null,
            r.SourceIdentity is { } sourceIdentity ? StsXml.Element("SourceIdentity", sourceIdentity) : null,
        };
        return (session, members);
    }
}
