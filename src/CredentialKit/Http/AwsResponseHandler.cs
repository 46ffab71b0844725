namespace CredentialKit;

/// <summary>
/// The HTTP hook under every AWS client CredentialKit builds (STS, the SSO portal, SSO OIDC): it records each response's
/// <c>Date</c> header for the refresh that sent the request (<see cref="StsClockObservation"/>), caps how much of a
/// response body is read (<see cref="HttpEdge.MaximumResponseBytes"/>), so a hostile or broken endpoint cannot make
/// CredentialKit buffer megabytes, and bounds each request in time where the edge says so. A redirect is refused here
/// (<see cref="StsRedirectRefusedException"/>), before the SDK sees it.
/// </summary>
internal sealed class AwsResponseHandler(HttpMessageHandler inner, HttpEdge edge) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var bound = edge.Bound(cancellationToken);
        var sentAt = StsClockObservation.RequestSending();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, bound?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (bound is { TimedOut: true } && !cancellationToken.IsCancellationRequested)
        {
            bound.Dispose();
            throw new TimeoutException($"The {edge.EndpointName} did not answer within {ValueText.Duration(bound.Timeout)}.", e);
        }
        catch
        {
            bound?.Dispose();
            throw;
        }

        StsClockObservation.ResponseReceived(sentAt, response.Headers.Date);
        if ((int)response.StatusCode is >= 300 and < 400)
        {
            // Not followed (AllowAutoRedirect is off) and not read: the body and Location are the redirector's.
            var location = response.Headers.Location;
            response.Dispose();
            bound?.Dispose();
            throw new StsRedirectRefusedException(response.StatusCode, location, request.RequestUri, edge.EndpointName);
        }

        response.Content = new CappedContent(response.Content, edge, bound?.Token ?? cancellationToken, bound);
        return response;
    }
}
