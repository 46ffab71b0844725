using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// Every log line CredentialKit writes. EventIds are fixed once published. No template takes a secret: roles, masked
/// access key ids, error codes and instants only.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug,
        Message = "Refresh of {RoleArn} started (profile {ProfileName}, trigger {Trigger})")]
    public static partial void RefreshStarted(ILogger logger, string roleArn, string? profileName, RefreshTrigger trigger);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Refreshed {RoleArn} (profile {ProfileName}): {AccessKeyId} expires {Expiration:O}, next refresh at {RefreshAt:O}")]
    public static partial void RefreshSucceeded(
        ILogger logger, string roleArn, string? profileName, string accessKeyId, DateTimeOffset expiration, DateTimeOffset refreshAt);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error,
        Message = "Refresh of {RoleArn} (profile {ProfileName}) failed with {ErrorCode} after {Attempts} attempt(s) and no usable credentials remain")]
    public static partial void RefreshFailed(
        ILogger logger, string roleArn, string? profileName, string? errorCode, int attempts, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "Role {RoleArn} is assumed with another role's session (role chaining): Duration {Requested} clamped to {Clamped}")]
    public static partial void DurationClampedForChaining(ILogger logger, string roleArn, TimeSpan requested, TimeSpan clamped);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "Refresh of {RoleArn} (profile {ProfileName}) failed with {ErrorCode}; serving cached credentials that expire {Expiration:O}, next attempt at {RetryAt:O}")]
    public static partial void ServingCachedAfterFailure(
        ILogger logger, string roleArn, string? profileName, string? errorCode, DateTimeOffset expiration, DateTimeOffset retryAt, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning,
        Message = "Role {RoleArn} rejected Duration {Requested} as above its MaxSessionDuration; retrying with {Fallback}. Lower Duration to silence this warning")]
    public static partial void DurationAboveMaxSessionDuration(ILogger logger, string roleArn, TimeSpan requested, TimeSpan fallback);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug,
        Message = "STS {Operation} for {RoleArn} failed with {ErrorCode} (transient); retry {AttemptNumber} in {Delay}")]
    public static partial void StsRetry(ILogger logger, string operation, string roleArn, string? errorCode, int attemptNumber, TimeSpan delay);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information,
        Message = "Credentials for {RoleArn} (profile {ProfileName}) invalidated; the next call fetches a new session")]
    public static partial void Invalidated(ILogger logger, string roleArn, string? profileName);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning,
        Message = "The session signing calls for {RoleArn} was rejected as expired by STS; refreshing it and retrying once")]
    public static partial void ParentSessionExpired(ILogger logger, string roleArn);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning,
        Message = "The local clock is {Skew} off STS's for {RoleArn} (profile {ProfileName}; positive: local clock behind), more than {Threshold}; sessions are planned on STS's clock")]
    public static partial void ClockSkewDetected(ILogger logger, string roleArn, string? profileName, TimeSpan skew, TimeSpan threshold);

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
}
