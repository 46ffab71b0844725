using System.Diagnostics.Metrics;
using Amazon.Runtime.Internal;
using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// Makes AWS SDK clients signed with CredentialKit credentials heal after a rejected session: a request the service refuses
/// for its credentials (<c>ExpiredToken</c>, <c>ExpiredTokenException</c>, <c>InvalidClientTokenId</c>, "The security token
/// included in the request is expired"/"invalid") invalidates exactly the session it was signed with and is sent once more
/// with the provider's new session.
/// </summary>
/// <remarks>
/// <para>
/// Clients registered through CredentialKit's dependency-injection integration (its <c>AddAWSService</c> and
/// <c>AddKeyedAWSService</c>, <c>UseAsDefaultAWSCredentials</c>, and the SDK's own registrations signed by a profile) heal
/// without this call. A client built by hand with <see cref="CredentialProviderExtensions.ToAwsCredentials(ICredentialProvider)"/>
/// heals once <see cref="Enable"/> was called before the client was built.
/// </para>
/// <para>
/// The healing step enters the SDK's own pipeline through its extension point (<see cref="RuntimePipelineCustomizerRegistry"/>),
/// which is process-wide and applies to clients built after it: clients signed with other credentials get the step too
/// and are passed through untouched. Clock-skew refusals are left to the SDK's clock correction, and <c>AccessDenied</c> is
/// never retried. Each healing is logged at Warning (EventId 120) and counted on <c>credentialkit.aws_sdk.healed_requests</c>.
/// Turn it off per set of credentials with <see cref="AwsCredentialsOptions.HealRejectedSessions"/>.
/// </para>
/// </remarks>
public static class AwsSdkSessionHealing
{
    private static volatile SessionHealingTelemetry? s_telemetry;
    private static int s_registered;

    /// <summary>Gets whether the healing step is registered, so that AWS SDK clients built from now on carry it.</summary>
    public static bool IsEnabled => Volatile.Read(ref s_registered) == 1;

    /// <summary>
    /// Registers the healing step for every AWS SDK client built from now on. Call it once at start-up, before building
    /// clients by hand; calling it again only replaces the log and metric destinations.
    /// </summary>
    /// <param name="loggerFactory">Where hand-built clients log their healings; none when <see langword="null"/>.</param>
    /// <param name="meterFactory">Where hand-built clients count their healings; a <c>CredentialKit</c> meter of its own when <see langword="null"/>.</param>
    /// <example><code>
    /// AwsSdkSessionHealing.Enable(loggerFactory);
    /// var s3 = new AmazonS3Client(provider.ToAwsCredentials(), RegionEndpoint.EUWest1);   // heals after a rejected session
    /// </code></example>
    public static void Enable(ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        s_telemetry = new SessionHealingTelemetry(loggerFactory, meterFactory);
        EnsureRegistered();
    }

    /// <summary>The sink of credentials that carry none of their own (built by hand).</summary>
    internal static SessionHealingTelemetry Telemetry => s_telemetry ?? SessionHealingTelemetry.Default;

    /// <summary>Registers the healing step once per process; the dependency-injection integration calls it before any client it signs is built.</summary>
    internal static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            RuntimePipelineCustomizerRegistry.Instance.Register(new SessionHealingPipelineCustomizer());
        }
    }
}
