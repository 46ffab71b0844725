using Microsoft.Extensions.Logging;

namespace CredentialKit.LocalSts.Hosting;

/// <summary>Log messages with fixed EventIds. Never pass secrets (keys, tokens, assertions, MFA codes) here.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "LocalSts listening on {Endpoint}")]
    public static partial void Started(ILogger logger, Uri endpoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "{Operation} by {CallerArn} -> {StatusCode} {Outcome}")]
    public static partial void RequestHandled(ILogger logger, string operation, string? callerArn, int statusCode, string outcome);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Injecting fault {FaultKind} {FaultCode} into {Operation}")]
    public static partial void FaultInjected(ILogger logger, LocalStsFaultKind faultKind, string? faultCode, string operation);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Unexpected error handling {Operation}")]
    public static partial void UnexpectedError(ILogger logger, Exception exception, string operation);
}
