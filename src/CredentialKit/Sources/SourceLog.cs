using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>Log messages of the sources that are not STS calls (EventIds 60–69). Never a secret or a source's raw output.</summary>
internal static partial class SourceLog
{
    [LoggerMessage(EventId = 60, Level = LogLevel.Information,
        Message = "Source session {Subject} issued by {Operation}: {AccessKeyId} expires {Expiration:O}")]
    public static partial void SessionIssued(ILogger logger, string subject, string operation, string accessKeyId, DateTimeOffset expiration);

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning,
        Message = "The credential process of {Subject} wrote to stderr: {Excerpt}")]
    public static partial void CredentialProcessStderr(ILogger logger, string subject, string excerpt);

    [LoggerMessage(EventId = 62, Level = LogLevel.Information,
        Message = "Instance metadata at {Endpoint} refused a session token ({Status}); falling back to IMDSv1")]
    public static partial void ImdsV1Fallback(ILogger logger, string endpoint, int status);

    [LoggerMessage(EventId = 63, Level = LogLevel.Debug,
        Message = "{Subject} joined the process-wide fetch of {Operation} ({Outcome})")]
    public static partial void ProcessWideFetchShared(ILogger logger, string subject, string operation, string outcome);

    [LoggerMessage(EventId = 64, Level = LogLevel.Warning,
        Message = "SSO OIDC refused to refresh the access token of {Subject} ({ErrorCode}); the cached token is used while it lasts")]
    public static partial void SsoRefreshFailed(ILogger logger, string subject, string errorCode);
}
