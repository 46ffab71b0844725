using Amazon.Runtime;
using Amazon.SecurityToken;
using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// The STS clients of one signer: the primary endpoint, then one per <see cref="StsOptions.FallbackRegions"/> entry (at
/// its <see cref="StsOptions.FallbackServiceUrls"/> URL if it has one), each created lazily through the
/// <see cref="IStsClientFactory"/>. Every hop signed by the same parent hop with the same endpoint settings uses the same
/// instance (<see cref="SharedStsClients"/>).
/// </summary>
/// <remarks>
/// A call runs the whole retry pipeline against the first endpoint it may use. Only when that ends in a transient failure
/// (throttling, 5xx, timeouts, network) or <c>RegionDisabledException</c> does it move on to the next one, and the
/// failing endpoint is marked down in the cache's <see cref="StsEndpointHealthRegistry"/>: until its cool-down ends every
/// call of the cache goes to the next endpoint first, then one call probes it with one short attempt
/// (<see cref="StsEndpointHealth"/>). An endpoint that is avoided is still tried, with one short attempt, when every other
/// one failed. With a single endpoint there is nothing to fall back to, so no health is kept and every call runs the
/// full pipeline against it.
/// </remarks>
internal sealed class RegionalStsClients : IDisposable
{
    private const string RegionDisabledCode = "RegionDisabledException";

    private readonly Endpoint[] _endpoints;
    private readonly AWSCredentials _signer;
    private readonly ILogger _logger;

    public RegionalStsClients(AWSCredentials signer, StsOptions sts, CredentialKitContext context)
    {
        _signer = signer;
        _logger = context.SessionLogger;
        var addresses = StsEndpointAddress.Of(sts);
        var tracksHealth = addresses.Length > 1;
        _endpoints = Array.ConvertAll(addresses, address =>
            new Endpoint(address, signer, context.StsClientFactory, tracksHealth ? context.EndpointHealth.For(address) : null));
    }

    /// <summary>
    /// Runs <paramref name="call"/> through <paramref name="pipeline"/> against each endpoint in turn until one answers:
    /// healthy endpoints (and those due for a probe) in their configured order, then the avoided ones.
    /// </summary>
    /// <param name="pipeline">The hop's pipeline (retries, timeouts, telemetry).</param>
    /// <param name="operation">The STS operation, for logs and telemetry.</param>
    /// <param name="call">One attempt against one client.</param>
    /// <param name="state">The call's per-call data; counts the attempts over all endpoints.</param>
    /// <param name="secrets">What the call sends that must never be echoed back; <paramref name="call"/> adds to it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response and the region that served it (<see langword="null"/> when the primary's region is unknown).</returns>
    public async Task<(T Response, string? Region)> ExecuteAsync<T>(
        StsCallPipeline pipeline,
        string operation,
        Func<IAmazonSecurityTokenService, CancellationToken, Task<T>> call,
        StsCallState state,
        SentSecrets secrets,
        CancellationToken cancellationToken)
    {
        // The signer first: a parent hop refreshes here, and it may find an endpoint down. Resolved inside this call's
        // first attempt instead (by the SDK's signer), the call would already be committed to that endpoint.
        if (_signer is not AnonymousAWSCredentials)
        {
            await _signer.GetCredentialsAsync().ConfigureAwait(false);
        }

        var order = Order(out var firstAvoided);
        Endpoint? failed = null;
        for (var i = 0; i < order.Count; i++)
        {
            var endpoint = order[i];
            var admission = endpoint.Health?.Admit() ?? StsEndpointAdmission.Use;
            if (admission == StsEndpointAdmission.Avoid && i < firstAvoided)
            {
                // Due for a probe that another call is making: try it last.
                order.Add(endpoint);
                continue;
            }

            var probe = admission == StsEndpointAdmission.Probe;
            var settled = false;
            try
            {
                var response = await pipeline.ExecuteAsync(
                    operation, endpoint.Address.Region, probe: admission != StsEndpointAdmission.Use,
                    ct => CheckedAsync(call(endpoint.Client, ct), secrets), state, cancellationToken).ConfigureAwait(false);
                settled = true;
                endpoint.Health?.ReportAnswered(probe);
                if (failed is not null)
                {
                    Log.ServedByFallbackRegion(_logger, operation, state.Subject, endpoint.Address.Region, failed.Address.Region);
                }

                return (response, endpoint.Address.Region);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && ShouldFallBack(e))
            {
                settled = true;
                var code = StsErrorClassifier.GetErrorCode(e);
                endpoint.Health?.ReportFailure(code, probe, operation, state.Subject);
                if (i + 1 >= order.Count)
                {
                    throw;
                }

                failed = endpoint;
                Log.FallingBackToNextRegion(_logger, operation, state.Subject, endpoint.Address.Region, code, order[i + 1].Address.Region);
            }
            catch (AmazonServiceException) when (!cancellationToken.IsCancellationRequested)
            {
                // STS answered, with an error no other endpoint would change: the endpoint is reachable.
                settled = true;
                endpoint.Health?.ReportAnswered(probe);
                throw;
            }
            finally
            {
                if (probe && !settled)
                {
                    endpoint.Health!.ReleaseProbe();
                }
            }
        }

        throw new InvalidOperationException("No STS endpoint was tried.");
    }

    /// <summary>The endpoints in the order a call tries them: those not in a cool-down as configured, then the others.</summary>
    private List<Endpoint> Order(out int firstAvoided)
    {
        var order = new List<Endpoint>(_endpoints.Length + 1);
        List<Endpoint>? avoided = null;
        foreach (var endpoint in _endpoints)
        {
            if (endpoint.Health?.IsCoolingDown() == true)
            {
                (avoided ??= []).Add(endpoint);
            }
            else
            {
                order.Add(endpoint);
            }
        }

        firstAvoided = order.Count;
        if (avoided is not null)
        {
            order.AddRange(avoided);
        }

        return order;
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

    private sealed class Endpoint(StsEndpointAddress address, AWSCredentials signer, IStsClientFactory factory, StsEndpointHealth? health) : IDisposable
    {
        private readonly Lazy<IAmazonSecurityTokenService> _client = new(() => factory.CreateClient(signer, address.ClientOptions));

        public StsEndpointAddress Address { get; } = address;

        /// <summary>Gets the endpoint's health, shared within the cache; <see langword="null"/> when it is the only endpoint.</summary>
        public StsEndpointHealth? Health { get; } = health;

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
