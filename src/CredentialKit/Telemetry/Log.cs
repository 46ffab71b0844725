using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// Every log line CredentialKit writes. EventIds are fixed once published. No template takes a secret: roles, masked
/// access key ids, error codes and instants only.
/// </summary>
internal static partial class Log
{
    /// <summary>What the <c>{ProfileName}</c> of a log line says for a provider created without a profile name.</summary>
    public const string UnnamedProfile = "unnamed";
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug,
        Message = "Refresh of {RoleArn} started (profile {ProfileName}, trigger {Trigger})")]
    private static partial void RefreshStartedCore(ILogger logger, string roleArn, string profileName, RefreshTrigger trigger);

    public static void RefreshStarted(ILogger logger, string roleArn, string? profileName, RefreshTrigger trigger) =>
        RefreshStartedCore(logger, roleArn, Label(profileName), trigger);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Refreshed {RoleArn} (profile {ProfileName}): {AccessKeyId} expires {Expiration:O}, next refresh at {RefreshAt:O}")]
    private static partial void RefreshSucceededCore(
        ILogger logger, string roleArn, string profileName, string accessKeyId, DateTimeOffset expiration, DateTimeOffset refreshAt);

    /// <summary>Logs a refresh's success with the access key id masked; the mask is built only when the line is written.</summary>
    public static void RefreshSucceeded(
        ILogger logger, string roleArn, string? profileName, string unmaskedAccessKeyId, DateTimeOffset expiration, DateTimeOffset refreshAt)
    {
        // The masked key is a new string on every refresh: not worth building for a line that is off.
        if (logger.IsEnabled(LogLevel.Information))
        {
            RefreshSucceededCore(logger, roleArn, Label(profileName), SecretRedaction.MaskAccessKeyId(unmaskedAccessKeyId), expiration, refreshAt);
        }
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Error,
        Message = "Refresh of {RoleArn} (profile {ProfileName}) failed with {ErrorCode} after {Attempts} attempt(s) and no usable credentials remain")]
    private static partial void RefreshFailedCore(
        ILogger logger, string roleArn, string profileName, string? errorCode, int attempts, Exception exception);

    public static void RefreshFailed(
        ILogger logger, string roleArn, string? profileName, string? errorCode, int attempts, Exception exception) =>
        RefreshFailedCore(logger, roleArn, Label(profileName), errorCode, attempts, exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "Role {RoleArn} is assumed with another role's session (role chaining): Duration {Requested} clamped to {Clamped}")]
    public static partial void DurationClampedForChaining(ILogger logger, string roleArn, TimeSpan requested, TimeSpan clamped);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "Refresh of {RoleArn} (profile {ProfileName}) failed with {ErrorCode}; serving cached credentials that expire {Expiration:O}, next attempt at {RetryAt:O}")]
    private static partial void ServingCachedAfterFailureCore(
        ILogger logger, string roleArn, string profileName, string? errorCode, DateTimeOffset expiration, DateTimeOffset retryAt, Exception exception);

    public static void ServingCachedAfterFailure(
        ILogger logger, string roleArn, string? profileName, string? errorCode, DateTimeOffset expiration, DateTimeOffset retryAt, Exception exception) =>
        ServingCachedAfterFailureCore(logger, roleArn, Label(profileName), errorCode, expiration, retryAt, exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning,
        Message = "Role {RoleArn} rejected Duration {Requested} as above its MaxSessionDuration; retrying with {Fallback}. Lower Duration to silence this warning")]
    public static partial void DurationAboveMaxSessionDuration(ILogger logger, string roleArn, TimeSpan requested, TimeSpan fallback);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug,
        Message = "STS {Operation} for {RoleArn} failed with {ErrorCode} (transient); retry {AttemptNumber} in {Delay}")]
    public static partial void StsRetry(ILogger logger, string operation, string roleArn, string? errorCode, int attemptNumber, TimeSpan delay);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information,
        Message = "Credentials for {RoleArn} (profile {ProfileName}) invalidated; the next call fetches a new session")]
    private static partial void InvalidatedCore(ILogger logger, string roleArn, string profileName);

    public static void Invalidated(ILogger logger, string roleArn, string? profileName) => InvalidatedCore(logger, roleArn, Label(profileName));

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning,
        Message = "The session signing calls for {RoleArn} was rejected as expired by STS; refreshing it and retrying once")]
    public static partial void ParentSessionExpired(ILogger logger, string roleArn);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning,
        Message = "The local clock is {Skew} off STS's for {RoleArn} (profile {ProfileName}; positive: local clock behind), more than {Threshold}; sessions are planned on STS's clock")]
    private static partial void ClockSkewDetectedCore(ILogger logger, string roleArn, string profileName, TimeSpan skew, TimeSpan threshold);

    public static void ClockSkewDetected(ILogger logger, string roleArn, string? profileName, TimeSpan skew, TimeSpan threshold) =>
        ClockSkewDetectedCore(logger, roleArn, Label(profileName), skew, threshold);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning,
        Message = "The wall clock moved {Jump} against the monotonic clock while {RoleArn} (profile {ProfileName}) was held (a clock step, or a suspend); the session is re-planned on the more pessimistic clock")]
    private static partial void ClockJumpDetectedCore(ILogger logger, string roleArn, string profileName, TimeSpan jump);

    public static void ClockJumpDetected(ILogger logger, string roleArn, string? profileName, TimeSpan jump) =>
        ClockJumpDetectedCore(logger, roleArn, Label(profileName), jump);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning,
        Message = "STS {Operation} for {Subject} failed in region {Region} with {ErrorCode} after its retries; trying region {NextRegion}")]
    public static partial void FallingBackToNextRegion(ILogger logger, string operation, string subject, string? region, string errorCode, string? nextRegion);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information,
        Message = "STS {Operation} for {Subject} was served by fallback region {Region} (primary {PrimaryRegion} unavailable)")]
    public static partial void ServedByFallbackRegion(ILogger logger, string operation, string subject, string? region, string? primaryRegion);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information,
        Message = "Source session {Subject} issued by STS {Operation} in region {Region}: {AccessKeyId} expires {Expiration:O}")]
    public static partial void SourceSessionIssued(
        ILogger logger, string subject, string operation, string? region, string accessKeyId, DateTimeOffset expiration);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning,
        Message = "The web identity token for {Subject} was rejected as invalid (InvalidIdentityToken); reading it again and retrying once")]
    public static partial void WebIdentityTokenRejected(ILogger logger, string subject);

    [LoggerMessage(EventId = 24, Level = LogLevel.Warning,
        Message = "No MFA code could be had for {Subject} ({ErrorCode}): the current session cannot be renewed and stops working at {Expiration:O}")]
    public static partial void MfaRenewalBlocked(ILogger logger, string subject, string errorCode, DateTimeOffset? expiration);

    [LoggerMessage(EventId = 25, Level = LogLevel.Information,
        Message = "Profile {ProfileName} of the shared AWS files expands to {HopCount} hop(s): {Hops}")]
    public static partial void ProfileExpanded(ILogger logger, string profileName, int hopCount, string hops);

    [LoggerMessage(EventId = 30, Level = LogLevel.Debug,
        Message = "Invalidation of {RoleArn} (profile {ProfileName}) changed nothing: {Reason}")]
    private static partial void InvalidationIgnoredCore(ILogger logger, string roleArn, string profileName, InvalidationIgnored reason);

    public static void InvalidationIgnored(ILogger logger, string roleArn, string? profileName, InvalidationIgnored reason) =>
        InvalidationIgnoredCore(logger, roleArn, Label(profileName), reason);

    /// <summary>A provider without a profile name logs "unnamed" rather than the logger's "(null)".</summary>
    private static string Label(string? profileName) => profileName ?? UnnamedProfile;
}
