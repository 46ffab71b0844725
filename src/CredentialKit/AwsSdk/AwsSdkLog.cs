using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// The log lines of the AWS SDK integration. EventIds 120–129 are reserved for it and fixed once published. No template
/// takes a secret: services, operations, masked access key ids, error codes, profile names and service keys only.
/// </summary>
internal static partial class AwsSdkLog
{
    [LoggerMessage(EventId = 120, Level = LogLevel.Warning,
        Message = "{Service} {Operation} was rejected with {ErrorCode} for the session {AccessKeyId} (profile {ProfileName}): the session was invalidated and the request is retried once with a new one")]
    public static partial void RejectedSessionHealed(
        ILogger logger, string service, string operation, string? errorCode, string accessKeyId, string profileName);

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning,
        Message = "AddKeyedAWSService<{Client}>(\"{ServiceKey}\") uses the name of the CredentialKit profile '{ServiceKey}' as its key, but the client signs with {SignedBy}, not with that profile. Register it with AddKeyedAWSService<{Client}>(\"{ServiceKey}\") on the CredentialKit builder to sign it with the profile, or use another key")]
    public static partial void KeyNamesProfileThatDoesNotSign(ILogger logger, string client, string serviceKey, string signedBy);
}
