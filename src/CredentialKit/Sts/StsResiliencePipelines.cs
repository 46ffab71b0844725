using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CredentialKit;

/// <summary>
/// The Polly pipelines of one <see cref="SessionCache"/>, one per distinct <see cref="RefreshSettings"/>: every hop that
/// refreshes the same way (all of a hub's <c>ForRole</c> tenants) runs its STS calls through the same pipeline, so a new
/// tenant builds none; building one is not free, and a pipeline holds no per-call state.
/// </summary>
/// <remarks>
/// What differs per call (the subject named in retry logs, the held session's deadline for pacing) travels with each call
/// in its <see cref="ResilienceContext"/> (<see cref="StsCallProperties"/>), not in the pipeline.
/// </remarks>
internal sealed class StsResiliencePipelines(TimeProvider timeProvider, Func<double> random, StsRateLimiter? rateLimiter, ILogger logger)
{
    private readonly ConcurrentDictionary<RefreshSettings, ResiliencePipeline> _pipelines = new();

    /// <summary>Gets the number of pipelines built; for tests.</summary>
    internal int Count => _pipelines.Count;

    /// <summary>Returns the pipeline for <paramref name="settings"/>, building it on first use.</summary>
    public ResiliencePipeline For(RefreshSettings settings) =>
        _pipelines.TryGetValue(settings, out var pipeline) ? pipeline : _pipelines.GetOrAdd(settings, Build);

    private ResiliencePipeline Build(RefreshSettings settings)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
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
                Randomizer = random,

                // A 429 or 503 that says when to come back is believed, up to RetryMaxDelay; otherwise the backoff.
                DelayGenerator = args => ValueTask.FromResult(StsRetryAfter.From(args.Outcome.Exception, settings.RetryMaxDelay, timeProvider.GetUtcNow())),
                OnRetry = args =>
                {
                    var subject = args.Context.Properties.GetValue(StsCallProperties.Subject, "STS");
                    var code = args.Outcome.Exception is { } e ? StsErrorClassifier.GetErrorCode(e) : null;
                    Log.StsRetry(logger, args.Context.OperationKey ?? "STS", subject, code, args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            });
        }

        if (rateLimiter is not null)
        {
            // Between retries and the attempt timeout: every attempt is paced, and waiting for a permit is not timed out.
            AddPacing(builder, rateLimiter);
        }

        // Between pacing and the attempt timeout: the re-signed attempt after a clock-skew rejection gets its own timeout
        // and does not count as a retry (ClockSkewRetryStrategy).
        AddClockSkewRetry(builder);
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = settings.AttemptTimeout });
        return builder.Build();
    }

    // Polly validates custom strategy options with data annotations, by reflection; StsPacingStrategy.Options declares no
    // member and no attribute of its own, so nothing that validation reads can be trimmed away.
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode",
        Justification = "StsPacingStrategy.Options has no members or validation attributes of its own.")]
    private static void AddPacing(ResiliencePipelineBuilder builder, StsRateLimiter limiter) =>
        builder.AddStrategy(_ => new StsPacingStrategy(limiter), new StsPacingStrategy.Options());

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode",
        Justification = "ClockSkewRetryStrategy.Options has no members or validation attributes of its own.")]
    private static void AddClockSkewRetry(ResiliencePipelineBuilder builder) =>
        builder.AddStrategy(_ => new ClockSkewRetryStrategy(), new ClockSkewRetryStrategy.Options());
}
