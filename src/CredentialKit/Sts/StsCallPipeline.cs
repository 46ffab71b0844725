using System.Diagnostics;
using Polly;

namespace CredentialKit;

/// <summary>
/// Runs one hop's STS operations through its cache's shared Polly v8 pipeline for its refresh settings
/// (<see cref="StsResiliencePipelines"/>): a per-attempt timeout inside retries with exponential backoff and jitter, for
/// transient failures only. Each attempt gets its own span and request metric. What differs per call (the subject, the
/// held session's deadline, the attempt count) comes with each call in its <see cref="StsCallState"/>.
/// </summary>
internal sealed class StsCallPipeline
{
    private readonly ResiliencePipeline _pipeline;
    private readonly RefreshSettings _settings;
    private readonly CredentialKitContext _context;

    public StsCallPipeline(RefreshSettings settings, CredentialKitContext context)
    {
        _settings = settings;
        _context = context;
        _pipeline = context.Pipelines.For(settings);
    }

    /// <summary>Runs <paramref name="call"/> with retries and timeouts; counts attempts into <paramref name="state"/>.</summary>
    public Task<T> ExecuteAsync<T>(string operation, Func<CancellationToken, Task<T>> call, StsCallState state, CancellationToken cancellationToken) =>
        ExecuteAsync(operation, region: null, probe: false, call, state, cancellationToken);

    /// <summary>
    /// Runs <paramref name="call"/> against the endpoint of <paramref name="region"/> with retries and timeouts; the region
    /// tags each attempt's span and request metric. A <paramref name="probe"/> is one short attempt, without retries
    /// (<see cref="StsEndpointDefaults.ProbeTimeout"/>, or the attempt timeout when shorter): how an endpoint known to be
    /// failing is tried again.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(
        string operation, string? region, bool probe, Func<CancellationToken, Task<T>> call, StsCallState state, CancellationToken cancellationToken)
    {
        var pipeline = probe ? _context.Pipelines.For(StsEndpointDefaults.ProbeSettings(_settings)) : _pipeline;
        var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        StsCallProperties.Set(context, state);
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                async (ctx, args) =>
                {
                    try
                    {
                        return Outcome.FromResult(await args.Self.AttemptAsync(args.Operation, args.Region, args.Call, args.State, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception exception)
                    {
                        return Outcome.FromException<T>(exception);
                    }
                },
                context,
                (Self: this, Operation: operation, Region: region, Call: call, State: state)).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async Task<T> AttemptAsync<T>(string operation, string? region, Func<CancellationToken, Task<T>> call, StsCallState state, CancellationToken cancellationToken)
    {
        state.CountAttempt();
        // The span name only when someone listens: with no listener, StartActivity returns null but its name was built.
        var source = CredentialKitTelemetry.ActivitySource;
        using var activity = source.HasListeners() ? source.StartActivity(StsSpanNames.For(operation), ActivityKind.Client) : null;
        if (activity is not null)
        {
            activity.SetTag("rpc.system", "aws-api");
            activity.SetTag("rpc.service", "STS");
            activity.SetTag("rpc.method", operation);
            activity.SetTag("credentialkit.role_arn", state.Subject);
            activity.SetTag("credentialkit.attempt", state.Attempts);
            activity.SetTag("cloud.region", region);
        }

        try
        {
            // The attempt ends when its timeout fires even if the SDK is still blocked reading a trickling body (its
            // body reads do not all observe the token): the abandoned call finishes on its own, its failure observed.
            var pending = call(cancellationToken);
            T result;
            try
            {
                result = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!pending.IsCompleted)
            {
                _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw;
            }

            _context.Telemetry.StsRequests.Add(1, Tags(operation, "success", region));
            return result;
        }
        catch (Exception exception)
        {
            // An attempt cancelled by the timeout strategy surfaces from Polly as TimeoutRejectedException.
            var code = cancellationToken.IsCancellationRequested && exception is OperationCanceledException
                ? StsErrorClassifier.TimeoutCode
                : StsErrorClassifier.GetErrorCode(exception);
            _context.Telemetry.StsRequests.Add(1, Tags(operation, code, region));
            activity?.SetTag("credentialkit.error_code", code);
            activity?.SetStatus(ActivityStatusCode.Error, code);
            throw;
        }
    }

    private static TagList Tags(string operation, string outcome, string? region)
    {
        var tags = new TagList { { "rpc.method", operation }, { "credentialkit.outcome", outcome } };
        if (region is not null)
        {
            // Only set when known, so existing dashboards keyed on method and outcome see the same series.
            tags.Add("cloud.region", region);
        }

        return tags;
    }
}
