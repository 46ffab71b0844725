using CredentialKit.LocalSts.Protocol;

namespace CredentialKit.LocalSts.Operations;

/// <summary>GetCallerIdentity: UserId, Account, Arn of the signing principal.</summary>
internal sealed class GetCallerIdentityOperation : IStsOperation
{
    public string Name => "GetCallerIdentity";

    public bool RequiresSignature => true;

    public OperationResult Execute(QueryParameters parameters, Caller? caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new OperationResult(
            [StsXml.Element("UserId", caller.UserId), StsXml.Element("Account", caller.AccountId), StsXml.Element("Arn", caller.Arn)],
            null);
    }
}
