using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Util;

namespace CredentialKit;

/// <summary>
/// A step of an AWS SDK client's own pipeline, just inside its <see cref="RetryHandler"/>: when a request signed with
/// CredentialKit credentials is rejected for those credentials, it invalidates exactly the session the request was signed
/// with and sends the request once more, re-signed with the new session. Any other request or error passes through untouched.
/// </summary>
/// <remarks>
/// Sitting inside the retry step, the second attempt runs the same steps an SDK retry runs (checksum, signing, HTTP,
/// unmarshalling), and whatever it fails with is the SDK retry policy's to judge. A request is healed at most once: a new
/// session that is rejected too is not a stale session, and retrying it again would only hide the cause.
/// </remarks>
internal sealed class SessionHealingHandler : PipelineHandler
{
    private const string HealedKey = "CredentialKit.SessionHealed";

    public override void InvokeSync(IExecutionContext executionContext)
    {
        Heal? heal;
        try
        {
            base.InvokeSync(executionContext);
            return;
        }
        catch (Exception e) when ((heal = Plan(executionContext, e)) is not null)
        {
            heal.Prepare(executionContext);
        }

        try
        {
            base.InvokeSync(executionContext);
            heal.Report(outcome: null);
        }
        catch (Exception e)
        {
            heal.Report(e);
            throw;
        }
    }

    public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
    {
        Heal? heal;
        try
        {
            return await base.InvokeAsync<T>(executionContext).ConfigureAwait(false);
        }
        catch (Exception e) when ((heal = Plan(executionContext, e)) is not null)
        {
            heal.Prepare(executionContext);
        }

        try
        {
            var result = await base.InvokeAsync<T>(executionContext).ConfigureAwait(false);
            heal.Report(outcome: null);
            return result;
        }
        catch (Exception e)
        {
            heal.Report(e);
            throw;
        }
    }

    /// <summary>The healing of this failed attempt, or <see langword="null"/> when it is not CredentialKit's to heal.</summary>
    private static Heal? Plan(IExecutionContext executionContext, Exception exception)
    {
        var context = executionContext.RequestContext;
        if (context.Identity is not ProviderAwsCredentials { HealRejectedSessions: true } credentials
            || !CredentialRejection.IsCredentialRejection(exception)
            || context.CancellationToken.IsCancellationRequested
            || context.ContextAttributes.ContainsKey(HealedKey)
            || !CanResend(context.Request)
            || CredentialRejection.SignedAccessKeyId(context.Request) is not { } accessKeyId)
        {
            return null;
        }

        return new Heal(credentials, accessKeyId, ((AmazonServiceException)exception).ErrorCode, context);
    }

    private static bool CanResend(IRequest request) =>
        request.ContentStream is null || (request.OriginalStreamPosition >= 0 && request.IsRequestStreamRewindable());

    private sealed class Heal(ProviderAwsCredentials credentials, string accessKeyId, string? errorCode, IRequestContext context)
    {
        private readonly string _service = context.ClientConfig.ServiceId ?? context.ClientConfig.AuthenticationServiceName ?? "unknown";
        private readonly string _operation = OperationName(context.RequestName);

        /// <summary>Drops the rejected session (coalesced with every other request rejected with it) and readies the resend.</summary>
        public void Prepare(IExecutionContext executionContext)
        {
            context.ContextAttributes[HealedKey] = true;
            credentials.Telemetry.Healing(_service, _operation, errorCode, accessKeyId, credentials.Provider.ProfileName);
            HeldSessionInvalidation.Invalidate(credentials.Provider, accessKeyId);

            // As an SDK retry does: rewind the body, and sign again so the resend carries the provider's new session.
            var request = executionContext.RequestContext.Request;
            if (request.ContentStream is { } stream && request.OriginalStreamPosition >= 0)
            {
                if (stream is HashStream hash)
                {
                    hash.Reset();
                    stream = hash.GetSeekableBaseStream();
                }

                stream.Position = request.OriginalStreamPosition;
            }

            executionContext.RequestContext.IsSigned = false;
        }

        public void Report(Exception? outcome) =>
            credentials.Telemetry.Healed(_service, _operation, credentials.Provider.ProfileName, CredentialRejection.BareCode(errorCode),
                outcome is null ? "success" : (outcome as AmazonServiceException)?.ErrorCode ?? outcome.GetType().Name);

        private static string OperationName(string? requestName) =>
            requestName is null ? "unknown"
            : requestName.EndsWith("Request", StringComparison.Ordinal) && requestName.Length > "Request".Length ? requestName[..^"Request".Length]
            : requestName;
    }
}
