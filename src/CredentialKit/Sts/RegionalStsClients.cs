using Amazon.Runtime;
using Amazon.SecurityToken;
using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// The STS clients of one signer: the primary endpoint, then one per <see cref="StsOptions.FallbackRegions"/> entry, each
/// created lazily through the <see cref="IStsClientFactory"/> with its own copy of the endpoint settings. Every hop signed
/// by the same parent hop with the same endpoint settings uses the same instance (<see cref="SharedStsClients"/>); the
/// hop's own pipeline names it in fallback logs.
/// </summary>
/// <remarks>
/// A call runs the whole retry pipeline against the primary endpoint first. Only when that ends in a transient failure
/// (throttling, 5xx, timeouts, network) or <c>RegionDisabledException</c> does it move on to the next region. Every
/// refresh starts again at the primary endpoint, so a recovered primary is used as soon as it answers.
/// </remarks>
internal sealed class RegionalStsClients : IDisposable
{
    private const string RegionDisabledCode = "RegionDisabledException";

    private readonly Endpoint[] _endpoints;
    private readonly AWSCredentials _signer;

    public RegionalStsClients(AWSCredentials signer, StsOptions sts, IStsClientFactory factory)
    {
        _signer = signer;
        var endpoints = new List<Endpoint> { new(sts, PrimaryRegion(sts), signer, factory) };
        foreach (var region in sts.FallbackRegions)
        {
            // The regional AWS endpoint of the fallback region, signed for that region: ServiceUrl and
            // AuthenticationRegion describe the primary endpoint only.
            endpoints.Add(new Endpoint(new StsOptions { Region = region }, region, signer, factory));
        }

        _endpoints = [.. endpoints];
    }

    /// <summary>
    /// Runs <paramref name="call"/> through <paramref name="pipeline"/> against each endpoint in turn until one answers.
    /// </summary>
    /// <param name="pipeline">The hop's pipeline (retries, timeouts, logs).</param>
    /// <param name="operation">The STS operation, for logs and telemetry.</param>
    /// <param name="call">One attempt against one client.</param>
    /// <param name="attempts">Counts the attempts over all regions.</param>
    /// <param name="secrets">What the call sends that must never be echoed back; <paramref name="call"/> adds to it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response and the region that served it (<see langword="null"/> when the primary's region is unknown).</returns>
    public async Task<(T Response, string? Region)> ExecuteAsync<T>(
        StsCallPipeline pipeline,
        string operation,
        Func<IAmazonSecurityTokenService, CancellationToken, Task<T>> call,
        AttemptCounter attempts,
        SentSecrets secrets,
        CancellationToken cancellationToken)
    {
        for (var i = 0; ; i++)
        {
            var endpoint = _endpoints[i];
            try
            {
                var response = await pipeline.ExecuteAsync(
                    operation, endpoint.Region, ct => CheckedAsync(call(endpoint.Client, ct), secrets), attempts, cancellationToken).ConfigureAwait(false);
                if (i > 0)
                {
                    Log.ServedByFallbackRegion(pipeline.Logger, operation, pipeline.Subject, endpoint.Region, _endpoints[0].Region);
                }

                return (response, endpoint.Region);
            }
            catch (Exception e) when (i + 1 < _endpoints.Length && !cancellationToken.IsCancellationRequested && ShouldFallBack(e))
            {
                Log.FallingBackToNextRegion(pipeline.Logger, operation, pipeline.Subject, endpoint.Region, StsErrorClassifier.GetErrorCode(e), _endpoints[i + 1].Region);
            }
        }
    }

    /// <summary>
    /// Awaits one attempt and refuses a 200 whose credentials are unusable inside the attempt, so the pipeline retries it
    /// as the transient <c>MalformedResponse</c> it is. A failed attempt's STS error loses every secret the call sent
    /// here, before the pipeline logs, tags or classifies it.
    /// </summary>
    private async Task<T> CheckedAsync<T>(Task<T> attempt, SentSecrets secrets)
    {
        T response;
        try
        {
            response = await attempt.ConfigureAwait(false);
        }
        catch (Exception e) when (StsResponses.IsUnreadableBody(e))
        {
            throw new MalformedStsResponseException("STS answered with a value that could not be read.", e);
        }
        catch (AmazonServiceException e)
        {
            var scrubbed = await secrets.ScrubAsync(e, _signer).ConfigureAwait(false);
            if (ReferenceEquals(scrubbed, e))
            {
                throw;
            }

            throw scrubbed;
        }

        StsResponses.Check(response);
        return response;
    }

    public void Dispose()
    {
        foreach (var endpoint in _endpoints)
        {
            endpoint.Dispose();
        }
    }

    internal static bool ShouldFallBack(Exception exception) =>
        StsErrorClassifier.IsTransient(exception) || StsErrorClassifier.GetErrorCode(exception) == RegionDisabledCode;

    private static string? PrimaryRegion(StsOptions sts) =>
        !string.IsNullOrEmpty(sts.Region) ? sts.Region
        : !string.IsNullOrEmpty(sts.AuthenticationRegion) ? sts.AuthenticationRegion
        : null;

    private sealed class Endpoint(StsOptions options, string? region, AWSCredentials signer, IStsClientFactory factory) : IDisposable
    {
        private readonly Lazy<IAmazonSecurityTokenService> _client = new(() => factory.CreateClient(signer, options));

        public string? Region { get; } = region;

        public IAmazonSecurityTokenService Client => _client.Value;

        public void Dispose()
        {
            if (_client.IsValueCreated)
            {
                _client.Value.Dispose();
            }
        }
    }
}
