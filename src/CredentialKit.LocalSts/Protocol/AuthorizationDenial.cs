namespace CredentialKit.LocalSts.Protocol;

/// <summary>What an authorization failure was about: who asked to do what to which resource. The context an encoded
/// authorization message carries, and DecodeAuthorizationMessage returns.</summary>
internal sealed record AuthorizationDenial(string PrincipalId, string PrincipalArn, string Action, string Resource)
{
    /// <summary>STS's own wording: <c>User: {arn} is not authorized to perform: {action} on resource: {resource}</c>.</summary>
    public string Message => $"User: {PrincipalArn} is not authorized to perform: {Action} on resource: {Resource}";
}
