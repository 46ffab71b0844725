using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly;

namespace CredentialKit;

/// <summary>
/// Runs one hop's STS operations through its cache's shared Polly v8 pipeline for its refresh settings
/// (<see cref="StsResiliencePipelines"/>): a per-attempt timeout inside retries with exponential backoff and jitter, for
/// transient failures only. Each attempt gets its own span and request metric. Holds only what differs per hop.
/// </summary>
internal sealed class StsCallPipeline
{
    private readonly ResiliencePipeline _pipeline;
    private readonly CredentialKitTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly string _roleArn;

    public StsCallPipeline(RefreshSettings settings, CredentialKitContext context, ILogger logger, string roleArn)
    {
        _telemetry = context.Telemetry;
        _logger = logger;
        _roleArn = roleArn;
        _pipeline = context.Pipelines.For(settings);
    }

    /// <summary>Gets the logger of the hop this pipeline serves.</summary>
    public ILogger Logger => _logger;

    /// <summary>Gets what the hop's session is for, as named in logs (a role ARN or a source description).</summary>
    public string Subject => _roleArn;

    /// <summary>Logs a retry of this hop's call; called by the shared pipeline's retry strategy.</summary>
    internal void OnRetry(string? operation, Exception? exception, int nextAttempt, TimeSpan delay) =>
        Log.StsRetry(_logger, operation ?? "STS", _roleArn, exception is { } e ? StsErrorClassifier.GetErrorCode(e) : null, nextAttempt, delay);

    /// <summary>Runs <paramref name="call"/> with retries and timeouts; counts attempts into <paramref name="attempts"/>.</summary>
    public Task<T> ExecuteAsync<T>(string operation, Func<CancellationToken, Task<T>> call, AttemptCounter attempts, CancellationToken cancellationToken) =>
        ExecuteAsync(operation, region: null, call, attempts, cancellationToken);

    /// <summary>
    /// Runs <paramref name="call"/> against the endpoint of <paramref name="region"/> with retries and timeouts; the region
    /// tags each attempt's span and request metric.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(
        string operation, string? region, Func<CancellationToken, Task<T>> call, AttemptCounter attempts, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        context.Properties.Set(StsResiliencePipelines.CallerKey, this);
        try
        {
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                async (ctx, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.Self.AttemptAsync(state.Operation, state.Region, state.Call, state.Attempts, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception exception)
                    {
                        return Outcome.FromException<T>(exception);
                    }
                },
                context,
                (Self: this, Operation: operation, Region: region, Call: call, Attempts: attempts)).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async Task<T> AttemptAsync<T>(string operation, string? region, Func<CancellationToken, Task<T>> call, AttemptCounter attempts, CancellationToken cancellationToken)
    {
        attempts.Increment();
        // The span name only when someone listens: with no listener, StartActivity returns null but its name was built.
        var source = CredentialKitTelemetry.ActivitySource;
        using var activity = source.HasListeners() ? source.StartActivity(StsSpanNames.For(operation), ActivityKind.Client) : null;
        if (activity is not null)
        {
            activity.SetTag("rpc.system", "aws-api");
            activity.SetTag("rpc.service", "STS");
            activity.SetTag("rpc.method", operation);
            activity.SetTag("credentialkit.role_arn", _roleArn);
            activity.SetTag("credentialkit.attempt", attempts.Count);
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

            _telemetry.StsRequests.Add(1, Tags(operation, "success", region));
            return result;
        }
        catch (Exception exception)
        {
            // An attempt cancelled by the timeout strategy surfaces from Polly as TimeoutRejectedException.
            var code = cancellationToken.IsCancellationRequested && exception is OperationCanceledException
                ? StsErrorClassifier.TimeoutCode
                : StsErrorClassifier.GetErrorCode(exception);
            _telemetry.StsRequests.Add(1, Tags(operation, code, region));
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

/// <summary>Counts the attempts of one pipelined STS call (read after it ends, for the error report).</summary>
internal sealed class AttemptCounter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}
