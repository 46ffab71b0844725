using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>Log messages of the fleet's STS budget (EventId 50).</summary>
internal static partial class FleetStsBudgetLog
{
    [LoggerMessage(EventId = 50, Level = LogLevel.Warning,
        Message = "The fleet STS budget for {Scope} failed ({ErrorType}); pacing STS calls with this process's own limit for {CoolDown}")]
    public static partial void FellBackToLocalPacing(ILogger logger, string scope, string errorType, TimeSpan coolDown);
}
