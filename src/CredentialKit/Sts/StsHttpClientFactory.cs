using Amazon.Runtime;

namespace CredentialKit;

/// <summary>
/// Gives each STS client CredentialKit builds its own <see cref="HttpClient"/> whose handler is
/// <see cref="StsResponseHandler"/>: the clock reading for skew-proof planning and the response size cap.
/// </summary>
/// <remarks>
/// One connection pool per client, disposed with it (a client lives as long as the hop session it serves), so a pooled
/// connection never outlives the endpoint it was opened to. With the SDK's stale-connection retries off, a dead pooled
/// connection would otherwise cost a counted attempt.
/// </remarks>
internal sealed class StsHttpClientFactory : HttpClientFactory
{
    public static StsHttpClientFactory Instance { get; } = new();

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(
        new StsResponseHandler(new SocketsHttpHandler
        {
            // Re-resolve STS's DNS name now and then, as the SDK's own handler does.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),

            // Real STS never redirects: a 3xx comes from a proxy, a captive portal or an attacker, and following it would
            // send the signed request, session token included, wherever Location points. StsResponseHandler refuses it.
            AllowAutoRedirect = false,
        }))
    {
        // CredentialKit's pipeline times each attempt out (Refresh:AttemptTimeout); no second timeout underneath.
        Timeout = Timeout.InfiniteTimeSpan,
        MaxResponseContentBufferSize = StsResponseHandler.MaximumResponseBytes,
    };

    // The SDK's own cache, kept per SDK client (a null unique string): one HttpClient for all of a client's requests,
    // disposed with that client, rather than a new connection per request.
    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string GetConfigUniqueString(IClientConfig clientConfig) => null!;
}
