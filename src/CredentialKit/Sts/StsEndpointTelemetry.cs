using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// Where an endpoint's health transitions go: one log line each (EventIds 28 and 29) and the
/// <c>credentialkit.sts.endpoint.unavailable</c> up-down counter (1 while an endpoint is down, by endpoint and region).
/// </summary>
internal sealed class StsEndpointTelemetry(ILogger logger, CredentialKitTelemetry telemetry)
{
    /// <summary>An endpoint went down (<paramref name="wentDown"/>), or a probe found it still down and its cool-down grew.</summary>
    public void MarkedDown(StsEndpointStatus status, bool wentDown, TimeSpan coolDown, string operation, string subject)
    {
        if (wentDown)
        {
            telemetry.StsEndpointsUnavailable.Add(1, Tags(status));
        }

        StsEndpointLog.EndpointUnavailable(
            logger, status.Endpoint, status.Region, status.UnavailableSince, operation, subject, status.LastErrorCode, status.NextProbeAt, coolDown);
    }

    /// <summary>An endpoint that was down answered again.</summary>
    public void Recovered(StsEndpointStatus status, DateTimeOffset now)
    {
        telemetry.StsEndpointsUnavailable.Add(-1, Tags(status));
        StsEndpointLog.EndpointRecovered(logger, status.Endpoint, status.Region, status.UnavailableSince, now - status.UnavailableSince);
    }

    private static TagList Tags(StsEndpointStatus status)
    {
        var tags = new TagList { { "credentialkit.sts.endpoint", status.Endpoint } };
        if (status.Region is not null)
        {
            tags.Add("cloud.region", status.Region);
        }

        return tags;
    }
}
