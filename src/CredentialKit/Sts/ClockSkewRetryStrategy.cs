using Amazon.Runtime;
using Polly;

namespace CredentialKit;

/// <summary>
/// The Polly strategy inside retries that turns a clock-skew rejection into one immediate re-signed attempt: STS
/// refuses a request signed more than 15 minutes off its clock (<c>SignatureDoesNotMatch</c> "Signature expired" /
/// "Signature not yet current", or <c>RequestTimeTooSkewed</c>, <c>InvalidSignatureException</c> and the other skew
/// codes), which is a clock problem, not a credentials one. The SDK records STS's clock from the rejection's
/// <c>Date</c> header for the endpoint, so the next signature is on STS's clock; its own retry would re-sign at once,
/// but CredentialKit turns SDK retries off (one retry layer). This re-runs the attempt once, at once, and outside
/// <see cref="RefreshOptions.MaxRetryAttempts"/>, so no caller sees a rejection the next signature fixes.
/// </summary>
internal sealed class ClockSkewRetryStrategy : ResilienceStrategy
{
    /// <summary>Codes that only a skewed signing clock produces (sts-facts §4: the SDK's "definite" set, and STS's).</summary>
    private static readonly HashSet<string> SkewCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException",
    };

    /// <summary>Whether <paramref name="exception"/> is STS refusing a request signed too far from its clock.</summary>
    public static bool IsSkewRejection(Exception? exception) => exception is AmazonServiceException { ErrorCode: { } code } service
        && (SkewCodes.Contains(code)
            || (string.Equals(code, "SignatureDoesNotMatch", StringComparison.OrdinalIgnoreCase)
                && service.Message is { } message
                && (message.StartsWith("Signature expired", StringComparison.Ordinal)
                    || message.StartsWith("Signature not yet current", StringComparison.Ordinal))));

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        if (!IsSkewRejection(outcome.Exception) || context.CancellationToken.IsCancellationRequested)
        {
            return outcome;
        }

        // Once: a second rejection means the clock moves faster than a correction, or the error was not skew after all.
        return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    /// <summary>The options Polly's builder asks for with a custom strategy; this strategy has no settings of its own.</summary>
    internal sealed class Options : ResilienceStrategyOptions
    {
        public Options() => Name = "CredentialKit.ClockSkewRetry";
    }
}
