using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CredentialKit;

/// <summary>
/// Runs one STS operation through a Polly v8 pipeline on the injected <see cref="TimeProvider"/>: a per-attempt
/// timeout inside retries with exponential backoff and jitter, for transient failures only. Each attempt gets its own
/// span and request metric.
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

        var builder = new ResiliencePipelineBuilder { TimeProvider = context.TimeProvider };
        if (settings.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is { } exception
                    && !args.Context.CancellationToken.IsCancellationRequested
                    && StsErrorClassifier.IsTransient(exception)),
                MaxRetryAttempts = settings.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryBaseDelay,
                MaxDelay = settings.RetryMaxDelay,
                Randomizer = context.Random,
                OnRetry = args =>
                {
                    var operation = args.Context.OperationKey ?? "STS";
                    Log.StsRetry(_logger, operation, _roleArn, args.Outcome.Exception is { } e ? StsErrorClassifier.GetErrorCode(e) : null,
                        args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            });
        }

        if (context.StsRateLimiter is { } limiter)
        {
            // Between retries and the attempt timeout: every attempt is paced, and waiting for a permit is not timed out.
            AddPacing(builder, limiter);
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = settings.AttemptTimeout });
        _pipeline = builder.Build();
    }

    // Polly validates custom strategy options with data annotations, by reflection; StsPacingStrategy.Options declares no
    // member and no attribute of its own, so nothing that validation reads can be trimmed away.
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode",
        Justification = "StsPacingStrategy.Options has no members or validation attributes of its own.")]
    private static void AddPacing(ResiliencePipelineBuilder builder, StsRateLimiter limiter) =>
        builder.AddStrategy(_ => new StsPacingStrategy(limiter), new StsPacingStrategy.Options());

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
            var result = await call(cancellationToken).ConfigureAwait(false);
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
