using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>The log lines of sticky regional fallback (<see cref="StsEndpointHealth"/>).</summary>
internal static partial class StsEndpointLog
{
    [LoggerMessage(EventId = 28, Level = LogLevel.Warning,
        Message = "STS endpoint {Endpoint} (region {Region}) is unavailable since {UnavailableSince:O}: {Operation} for {Subject} failed with {ErrorCode}; refreshes use the next endpoint first until {NextProbeAt:O} (cool-down {CoolDown}), then probe it with one short attempt")]
    public static partial void EndpointUnavailable(
        ILogger logger, string endpoint, string? region, DateTimeOffset unavailableSince, string operation, string subject, string errorCode, DateTimeOffset nextProbeAt, TimeSpan coolDown);

    [LoggerMessage(EventId = 29, Level = LogLevel.Information,
        Message = "STS endpoint {Endpoint} (region {Region}) answers again after being unavailable since {UnavailableSince:O} ({Downtime}); refreshes use it first again")]
    public static partial void EndpointRecovered(ILogger logger, string endpoint, string? region, DateTimeOffset unavailableSince, TimeSpan downtime);
}
