using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>Log lines of the shared-session protocol (EventIds 40–49). Hop keys are fingerprints; no secret in any template.</summary>
internal static partial class SharedSessionLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Debug,
        Message = "Shared session store {Operation} for hop {HopKey} failed with {ErrorType}; going on without the store")]
    public static partial void StoreCallFailed(ILogger logger, string operation, string hopKey, string errorType);

    [LoggerMessage(EventId = 41, Level = LogLevel.Debug,
        Message = "Hop {HopKey}: adopted the shared session {AccessKeyId} that expires {Expiration:O} ({Outcome})")]
    public static partial void Adopted(ILogger logger, string hopKey, string accessKeyId, DateTimeOffset expiration, SharedRefreshOutcome outcome);

    [LoggerMessage(EventId = 42, Level = LogLevel.Debug,
        Message = "Hop {HopKey}: another process holds the refresh lease; waiting up to {Timeout} for its session")]
    public static partial void WaitingForLeaseHolder(ILogger logger, string hopKey, TimeSpan timeout);

    [LoggerMessage(EventId = 43, Level = LogLevel.Information,
        Message = "Hop {HopKey}: no usable shared session arrived within {Timeout}; calling STS without the store")]
    public static partial void NothingArrived(ILogger logger, string hopKey, TimeSpan timeout);

    [LoggerMessage(EventId = 44, Level = LogLevel.Information,
        Message = "Hop {HopKey}: another process reported session {SessionId} rejected; it is dropped here too")]
    public static partial void RejectedElsewhere(ILogger logger, string hopKey, string sessionId);

    [LoggerMessage(EventId = 45, Level = LogLevel.Debug,
        Message = "Hop {HopKey}: ignored a shared session that is not newer than the one held or lives less than {RequiredLifetime}")]
    public static partial void NotAdopted(ILogger logger, string hopKey, TimeSpan requiredLifetime);
}
