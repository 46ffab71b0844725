using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// The log lines of the dependency-injection integration (warm-up, reload). EventIds 101–119 are reserved for it and
/// fixed once published. No template takes a secret: profile names, role ARNs, error codes and instants only.
/// </summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information,
        Message = "Profile {ProfileName} warmed up: session for {RoleArn} expires {Expiration:O}")]
    public static partial void WarmedUp(ILogger logger, string profileName, string? roleArn, DateTimeOffset expiration);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning,
        Message = "Warm-up of profile {ProfileName} failed with {ErrorCode} for {RoleArn} after {Attempts} attempt(s), which may succeed later; the host starts anyway and the profile retries in {RetryDelay}")]
    public static partial void WarmUpTransientFailure(ILogger logger, string profileName, string? errorCode, string? roleArn, int attempts, TimeSpan retryDelay);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error,
        Message = "Warm-up of profile {ProfileName} failed with {ErrorCode} for {RoleArn}, which retrying cannot fix; the host will not start")]
    public static partial void WarmUpTerminalFailure(ILogger logger, string profileName, string? errorCode, string? roleArn);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information,
        Message = "Profile {ProfileName} has credentials after its start-up warm-up failed: session for {RoleArn} expires {Expiration:O}")]
    public static partial void WarmUpRecovered(ILogger logger, string profileName, string? roleArn, DateTimeOffset expiration);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error,
        Message = "Background warm-up of profile {ProfileName} stopped: {ErrorCode} for {RoleArn} cannot be fixed by retrying; callers will see the error")]
    public static partial void WarmUpAbandoned(ILogger logger, string profileName, string? errorCode, string? roleArn);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information,
        Message = "Profile {ProfileName} reloaded: new callers get {RoleArn}; callers already waiting complete on the previous settings")]
    public static partial void Reloaded(ILogger logger, string profileName, string? roleArn);

    [LoggerMessage(EventId = 107, Level = LogLevel.Debug,
        Message = "Profile {ProfileName} was notified of a reload that changed none of its settings; its provider is kept")]
    public static partial void ReloadUnchanged(ILogger logger, string profileName);

    [LoggerMessage(EventId = 108, Level = LogLevel.Error,
        Message = "Profile {ProfileName} could not be rebuilt from its reloaded settings and keeps its current ones")]
    public static partial void ReloadFailed(ILogger logger, string profileName, Exception exception);
}
