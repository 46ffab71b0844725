using Amazon.Runtime;
using Amazon.SecurityToken;

namespace CredentialKit.Benchmarks.Tenants;

/// <summary>
/// An <see cref="IStsClientFactory"/> that builds the REAL <see cref="AmazonSecurityTokenServiceClient"/>, configured by
/// <see cref="StsClientFactory.CreateConfig"/> exactly as CredentialKit's default factory does, except that its
/// <c>HttpClientFactory</c> answers in memory (<see cref="InMemoryStsHandler"/>). What the heap measures is therefore the
/// SDK client, its configuration and its cached <see cref="HttpClient"/> per client, as in production; only the socket
/// handler and its connection pool are missing (a real process would hold those too).
/// </summary>
internal sealed class InMemoryStsClientFactory(TimeProvider time) : IStsClientFactory
{
    private readonly InMemoryHttpClientFactory _http = new(time);
    private int _clientsCreated;

    /// <summary>Gets how many STS clients CredentialKit asked for.</summary>
    public int ClientsCreated => Volatile.Read(ref _clientsCreated);

    public IAmazonSecurityTokenService CreateClient(AWSCredentials credentials, StsOptions options)
    {
        Interlocked.Increment(ref _clientsCreated);
        var config = StsClientFactory.CreateConfig(options);
        config.HttpClientFactory = _http; // one factory for all clients, as StsClientFactory's singleton
        return new AmazonSecurityTokenServiceClient(credentials, config);
    }

    /// <summary>
    /// One <see cref="HttpClient"/> per SDK client, cached by the SDK and disposed with it, as CredentialKit's own factory
    /// does; under it CredentialKit's response hook (the <c>Date</c> reading and the size cap), then the in-memory STS.
    /// </summary>
    private sealed class InMemoryHttpClientFactory(TimeProvider time) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new AwsResponseHandler(new InMemoryStsHandler(time), HttpEdge.Sts))
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = HttpEdge.Sts.MaximumResponseBytes,
        };

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        public override string GetConfigUniqueString(IClientConfig clientConfig) => null!;
    }
}
