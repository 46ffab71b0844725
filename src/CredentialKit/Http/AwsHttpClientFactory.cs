using Amazon.Runtime;

namespace CredentialKit;

/// <summary>
/// Gives each AWS client CredentialKit builds its own <see cref="HttpClient"/> whose handler is
/// <see cref="AwsResponseHandler"/>: the clock reading for skew-proof planning, the response size cap, no redirects, and
/// the edge's time bound.
/// </summary>
/// <remarks>
/// One connection pool per client, disposed with it (a client lives as long as the session it serves), so a pooled
/// connection never outlives the endpoint it was opened to. With the SDK's stale-connection retries off, a dead pooled
/// connection would otherwise cost a counted attempt.
/// </remarks>
internal sealed class AwsHttpClientFactory(HttpEdge edge) : HttpClientFactory
{
    /// <summary>Gets the factory of every STS client.</summary>
    public static AwsHttpClientFactory Sts { get; } = new(HttpEdge.Sts);

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(
        new AwsResponseHandler(new SocketsHttpHandler
        {
            // Re-resolve the endpoint's DNS name now and then, as the SDK's own handler does.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),

            // STS and SSO never redirect: a 3xx comes from a proxy, a captive portal or an attacker, and following it would
            // send the request (a session token, a bearer token in a custom header) wherever Location points.
            // AwsResponseHandler refuses it.
            AllowAutoRedirect = false,
        }, edge))
    {
        // Each request is bounded by the caller (STS: the pipeline's attempt timeout) or by the edge's own limit, on the
        // injected clock: no second timeout underneath on the machine's.
        Timeout = Timeout.InfiniteTimeSpan,
        MaxResponseContentBufferSize = edge.MaximumResponseBytes,
    };

    // The SDK's own cache, kept per SDK client (a null unique string): one HttpClient for all of a client's requests,
    // disposed with that client, rather than a new connection per request.
    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string GetConfigUniqueString(IClientConfig clientConfig) => null!;
}
