namespace CredentialKit;

/// <summary>
/// The HTTP hook under every STS client CredentialKit builds: it records each response's <c>Date</c> header for the
/// refresh that sent the request (<see cref="StsClockObservation"/>), and caps how much of a response body is read
/// (<see cref="MaximumResponseBytes"/>), so a hostile or broken endpoint cannot make CredentialKit buffer megabytes.
/// A redirect is refused here (<see cref="StsRedirectRefusedException"/>), before the SDK sees it.
/// </summary>
internal sealed class StsResponseHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>The most of a response body that is read. An STS response is a few KB; 1 MB leaves room for any proxy page.</summary>
    public const long MaximumResponseBytes = 1024 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sentAt = StsClockObservation.RequestSending();
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        StsClockObservation.ResponseReceived(sentAt, response.Headers.Date);
        if ((int)response.StatusCode is >= 300 and < 400)
        {
            // Not followed (AllowAutoRedirect is off) and not read: the body and Location are the redirector's.
            var location = response.Headers.Location;
            response.Dispose();
            throw new StsRedirectRefusedException(response.StatusCode, location, request.RequestUri);
        }

        response.Content = new CappedContent(response.Content, MaximumResponseBytes, cancellationToken);
        return response;
    }
}
