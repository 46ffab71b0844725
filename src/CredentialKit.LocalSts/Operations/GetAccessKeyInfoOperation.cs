using CredentialKit.LocalSts.Protocol;
using CredentialKit.LocalSts.Sessions;

namespace CredentialKit.LocalSts.Operations;

/// <summary>
/// GetAccessKeyInfo: the account an access key id belongs to. Like STS it says nothing about the key's state (active, expired,
/// deleted): a world user's key names its account, and any key in AWS's format (every session key LocalSts issues, and real
/// keys) names the account encoded in it.
/// </summary>
internal sealed class GetAccessKeyInfoOperation(StsState state) : IStsOperation
{
    public string Name => "GetAccessKeyInfo";

    public bool RequiresSignature => true;

    public OperationResult Execute(QueryParameters parameters, Caller? caller)
    {
        var v = new ParameterValidator();
        var accessKeyId = v.String(parameters.Get("AccessKeyId"), "accessKeyId", true, 16, 128,
            ParameterValidator.AccessKeyIdPattern().IsMatch, ParameterValidator.AccessKeyIdPatternText);
        v.ThrowIfAny();

        var account = state.Identities.FindUserByAccessKey(accessKeyId!)?.Account.AccountId
            ?? state.Sessions.Find(accessKeyId!)?.AccountId
            ?? AccessKeyIdFormat.TryReadAccount(accessKeyId!)
            ?? throw StsException.InvalidParameter(StsErrorCodes.UnknownAccessKeyMessage);
        return new OperationResult([StsXml.Element("Account", account)], null);
    }
}
