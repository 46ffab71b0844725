using System.Globalization;
using System.Net;

namespace CredentialKit;

/// <summary>
/// An AWS endpoint (STS, the SSO portal, SSO OIDC) answered with a redirect (3xx). These services never redirect; a
/// proxy, a captive portal or an attacker does, and following it would send the request, with its session or bearer
/// token, to the host it names. Classified as the terminal <see cref="StsErrorClassifier.RedirectCode"/>: the next
/// attempt would be redirected again.
/// </summary>
/// <remarks>
/// The message names the status and the host and port of <c>Location</c> only: its path and query are attacker-chosen
/// text and may carry anything, and user info in it would be a password.
/// </remarks>
internal sealed class StsRedirectRefusedException : Exception
{
    public StsRedirectRefusedException(HttpStatusCode status, Uri? location, Uri? requestUri, string endpointName = "STS endpoint")
        : base(Describe(status, location, requestUri, endpointName))
    {
        StatusCode = status;
    }

    /// <summary>Gets the redirect's HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    private static string Describe(HttpStatusCode status, Uri? location, Uri? requestUri, string endpointName)
    {
        var target = location switch
        {
            null => "no Location",
            { IsAbsoluteUri: true } absolute => $"Location host {HostOf(absolute)}",
            _ => requestUri is { IsAbsoluteUri: true } ? $"Location on the same host {HostOf(requestUri)}" : "a relative Location",
        };
        return $"The {endpointName} answered HTTP {((int)status).ToString(CultureInfo.InvariantCulture)} (a redirect, {target}). " +
            "CredentialKit never follows a redirect: the real service does not send one, so something else answered for it.";
    }

    private static string HostOf(Uri uri) =>
        SecretRedaction.MaskSecrets($"{uri.IdnHost}:{uri.Port.ToString(CultureInfo.InvariantCulture)}");
}
