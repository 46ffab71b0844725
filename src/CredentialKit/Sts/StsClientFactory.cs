using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;

namespace CredentialKit;

/// <summary>
/// The default <see cref="IStsClientFactory"/>: the real <see cref="AmazonSecurityTokenServiceClient"/> with every
/// SDK-level retry turned off (error retries and stale-connection retries), since CredentialKit's Polly pipeline retries
/// and counts attempts; otherwise each of its attempts could become up to eleven HTTP requests. Its HTTP layer also
/// records each response's <c>Date</c> header (sessions are planned on STS's clock) and reads at most 1 MB of a response.
/// </summary>
public sealed class StsClientFactory : IStsClientFactory
{
    /// <summary>Gets the shared instance.</summary>
    public static StsClientFactory Instance { get; } = new();

    /// <inheritdoc />
    public IAmazonSecurityTokenService CreateClient(AWSCredentials credentials, StsOptions options)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(options);
        return new AmazonSecurityTokenServiceClient(credentials, CreateConfig(options));
    }

    /// <summary>Builds the client configuration for <paramref name="options"/>.</summary>
    /// <param name="options">The endpoint settings.</param>
    /// <returns>The configuration, with <c>MaxErrorRetry = 0</c>, <c>MaxStaleConnectionRetries = 0</c> and CredentialKit's HTTP layer.</returns>
    public static AmazonSecurityTokenServiceConfig CreateConfig(StsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonSecurityTokenServiceConfig
        {
            MaxErrorRetry = 0,
            MaxStaleConnectionRetries = 0,
            HttpClientFactory = AwsHttpClientFactory.Sts,
        };
        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
        }
        else if (!string.IsNullOrEmpty(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        if (!string.IsNullOrEmpty(options.AuthenticationRegion))
        {
            config.AuthenticationRegion = options.AuthenticationRegion;
        }

        return config;
    }
}
