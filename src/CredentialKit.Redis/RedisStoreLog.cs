using Microsoft.Extensions.Logging;

namespace CredentialKit.Redis;

/// <summary>Log lines of the Redis store (EventIds 200–219). Hop keys are fingerprints; no entry content, no secret.</summary>
internal static partial class RedisStoreLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Warning,
        Message = "The shared session entry for hop {HopKey} was ignored ({Reason}); the next refresh replaces it")]
    public static partial void InvalidEntry(ILogger logger, string hopKey, string reason);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning,
        Message = "Redis shared session store unavailable after {ErrorType}: circuit open for {BreakDuration}; every process calls STS on its own meanwhile")]
    public static partial void CircuitOpened(ILogger logger, string errorType, TimeSpan breakDuration);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information,
        Message = "Redis shared session store available again: circuit closed")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 203, Level = LogLevel.Debug,
        Message = "Redis shared session store: circuit half-open, probing Redis")]
    public static partial void CircuitHalfOpened(ILogger logger);

    [LoggerMessage(EventId = 204, Level = LogLevel.Debug,
        Message = "Redis {Operation} for hop {HopKey} failed with {ErrorType}")]
    public static partial void OperationFailed(ILogger logger, string operation, string hopKey, string errorType);

    [LoggerMessage(EventId = 205, Level = LogLevel.Debug,
        Message = "Ignored a malformed notification on the shared session channel")]
    public static partial void MalformedNotification(ILogger logger);

    [LoggerMessage(EventId = 206, Level = LogLevel.Warning,
        Message = "A shared session change subscriber threw {ErrorType}; it stays subscribed")]
    public static partial void SubscriberFailed(ILogger logger, string errorType);
}
