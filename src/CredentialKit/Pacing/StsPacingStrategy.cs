using Polly;

namespace CredentialKit;

/// <summary>
/// The Polly strategy between retries and the attempt timeout that takes one <see cref="StsRateLimiter"/> permit per STS
/// attempt: retries are paced like first attempts, and the wait for a permit does not count against the attempt timeout.
/// The held session's usable-until instant, which ranks the wait, comes with the call (<see cref="StsCallProperties"/>).
/// </summary>
internal sealed class StsPacingStrategy(StsRateLimiter limiter) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        try
        {
            await limiter.AcquireAsync(StsCallProperties.UsableUntilOf(context), StsCallProperties.FleetBudgetScopeOf(context), context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception exception)
        {
            return Outcome.FromException<TResult>(exception);
        }

        return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    /// <summary>The options Polly's builder asks for with a custom strategy; this strategy has no settings of its own.</summary>
    internal sealed class Options : ResilienceStrategyOptions
    {
        public Options() => Name = "CredentialKit.StsRateLimit";
    }
}
