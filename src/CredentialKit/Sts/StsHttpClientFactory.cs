using Amazon.Runtime;

namespace CredentialKit;

/// <summary>
/// Gives every STS client CredentialKit builds one shared <see cref="HttpClient"/> whose handler is
/// <see cref="StsResponseHandler"/>: the clock reading for skew-proof planning and the response size cap.
/// </summary>
internal sealed class StsHttpClientFactory : HttpClientFactory
{
    private static readonly Lazy<HttpClient> Shared = new(() => new HttpClient(
        new StsResponseHandler(new SocketsHttpHandler
        {
            // Re-resolve STS's DNS name now and then, as the SDK's own handler does.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        }))
    {
        // CredentialKit's pipeline times each attempt out (Refresh:AttemptTimeout); no second timeout underneath.
        Timeout = Timeout.InfiniteTimeSpan,
        MaxResponseContentBufferSize = StsResponseHandler.MaximumResponseBytes,
    });

    public static StsHttpClientFactory Instance { get; } = new();

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => Shared.Value;

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string GetConfigUniqueString(IClientConfig clientConfig) => nameof(StsHttpClientFactory);
}
