using CredentialKit.LocalSts.Protocol;

namespace CredentialKit.LocalSts.Operations;

/// <summary>
/// DecodeAuthorizationMessage: the JSON behind an encoded authorization failure message this server issued (see
/// <see cref="LocalStsOptions.EncodeAuthorizationMessages"/>). Any other text, or a changed message, is
/// <c>InvalidAuthorizationMessageException</c>. LocalSts has no IAM policies, so every signed caller may decode.
/// </summary>
internal sealed class DecodeAuthorizationMessageOperation(StsState state) : IStsOperation
{
    public string Name => "DecodeAuthorizationMessage";

    public bool RequiresSignature => true;

    public OperationResult Execute(QueryParameters parameters, Caller? caller)
    {
        var v = new ParameterValidator();
        var encoded = v.String(parameters.Get("EncodedMessage"), "encodedMessage", true, 1, 10240);
        v.ThrowIfAny();

        var decoded = state.AuthorizationMessages.TryDecode(encoded!)
            ?? throw new StsException(StsErrorCodes.InvalidAuthorizationMessage, StsErrorCodes.InvalidAuthorizationMessageMessage);
        return new OperationResult([StsXml.Element("DecodedMessage", decoded)], null);
    }
}
