using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CredentialKit;

/// <summary>
/// Where a healed request is reported: one Warning line (<see cref="AwsSdkLog.RejectedSessionHealed"/>) and one count on
/// <c>credentialkit.aws_sdk.healed_requests</c>, on the <see cref="Meter"/> named <c>CredentialKit</c>.
/// </summary>
internal sealed class SessionHealingTelemetry
{
    public const string HealedRequestsInstrument = "credentialkit.aws_sdk.healed_requests";

    private static readonly Lazy<SessionHealingTelemetry> Unconfigured = new(() => new SessionHealingTelemetry(null, null));

    private readonly ILogger _logger;
    private readonly Counter<long> _healed;

    public SessionHealingTelemetry(ILoggerFactory? loggerFactory, IMeterFactory? meterFactory)
    {
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("CredentialKit.AwsSdk");
        var meter = meterFactory?.Create(CredentialKitTelemetry.Name) ?? new Meter(CredentialKitTelemetry.Name);
        _healed = meter.CreateCounter<long>(HealedRequestsInstrument, unit: "{request}",
            description: "AWS SDK requests rejected for their CredentialKit session and retried once with a new session, by service, operation and the retry's outcome.");
    }

    /// <summary>Gets the sink of credentials built by hand when the application gave no logger or meter factory.</summary>
    public static SessionHealingTelemetry Default => Unconfigured.Value;

    /// <summary>Logs the healing before the retry, so the line is written even if the retry never returns.</summary>
    public void Healing(string service, string operation, string? errorCode, string accessKeyId, string? profileName) =>
        AwsSdkLog.RejectedSessionHealed(_logger, service, operation, errorCode, SecretRedaction.MaskAccessKeyId(accessKeyId), profileName ?? Log.UnnamedProfile);

    /// <summary>Counts the healed request once its retry finished; <paramref name="outcome"/> is <c>success</c> or the retry's error code.</summary>
    public void Healed(string service, string operation, string? profileName, string? errorCode, string outcome) =>
        _healed.Add(1,
            new KeyValuePair<string, object?>("rpc.service", service),
            new KeyValuePair<string, object?>("rpc.method", operation),
            new KeyValuePair<string, object?>("credentialkit.profile", profileName ?? Log.UnnamedProfile),
            new KeyValuePair<string, object?>("credentialkit.error_code", errorCode),
            new KeyValuePair<string, object?>("credentialkit.outcome", outcome));
}
