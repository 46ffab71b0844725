using Amazon.Runtime.Internal;

namespace CredentialKit;

/// <summary>
/// Puts a <see cref="SessionHealingHandler"/> into the pipeline of every AWS SDK client built once it is registered, through
/// the SDK's own extension point (<see cref="RuntimePipelineCustomizerRegistry"/>, which OpenTelemetry's and X-Ray's AWS
/// instrumentation use too).
/// </summary>
/// <remarks>
/// The registry is process-wide, so the step lands in clients CredentialKit does not sign as well; there it only checks the
/// request's credentials and passes everything through.
/// </remarks>
internal sealed class SessionHealingPipelineCustomizer : IRuntimePipelineCustomizer
{
    public const string Name = "CredentialKit rejected-session healing";

    public string UniqueName => Name;

    public void Customize(Type serviceClientType, RuntimePipeline pipeline)
    {
        if (pipeline.Handlers.Any(h => h is SessionHealingHandler) || !pipeline.Handlers.Any(h => h.GetType() == typeof(RetryHandler)))
        {
            return;
        }

        pipeline.AddHandlerAfter<RetryHandler>(new SessionHealingHandler());
    }
}
