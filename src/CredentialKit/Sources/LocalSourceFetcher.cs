using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// The shared half of every source that is not an STS call (credential_process, container endpoint, instance metadata):
/// a span per fetch, the "issued" log line, and the rule that whatever goes wrong reaches the engine as one
/// <see cref="CredentialRefreshException"/> naming the source and profile, never the source's output.
/// </summary>
/// <remarks>
/// The engine (<see cref="RefreshingSession"/>) gives these sources what it gives STS hops: refresh ahead, single-flight,
/// serving the held session on failure with backoff, status, metrics and the refresh span. Cross-provider single-flight
/// (one request for every provider of the process) is <see cref="ProcessWideSourceFetch"/>'s job.
/// </remarks>
internal abstract class LocalSourceFetcher : ISessionFetcher
{
    protected LocalSourceFetcher(string operation, string subject, CredentialKitContext context, string? profileName)
    {
        Operation = operation;
        RoleArn = subject;
        ProfileName = profileName;
        Context = context;
        Logger = context.LoggerFactory.CreateLogger("CredentialKit.CredentialProvider");
    }

    /// <summary>Gets what the session is for, for logs and errors: for example <c>credential_process(aws-vault)</c>.</summary>
    public string RoleArn { get; }

    /// <summary>Gets the kind of source, as spans and logs name it (<c>credential_process</c>, <c>container</c>, <c>imds</c>).</summary>
    protected string Operation { get; }

    protected string? ProfileName { get; }

    protected CredentialKitContext Context { get; }

    protected ILogger Logger { get; }

    /// <summary>Gets a sentence appended to every failure (the default chain's account of the links it skipped), if any.</summary>
    public string? FailureNote { get; init; }

    /// <summary>Gets the last session this fetcher handed out, so a process-wide cache never hands the same one back after an invalidation.</summary>
    protected SessionCredentials? LastIssued { get; private set; }

    public async Task<SessionCredentials> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        using var activity = CredentialKitTelemetry.ActivitySource.StartActivity("CredentialKit.Source");
        activity?.SetTag("credentialkit.source", Operation);
        activity?.SetTag("credentialkit.role_arn", RoleArn);
        try
        {
            var session = await FetchCoreAsync(cancellationToken).ConfigureAwait(false);
            LastIssued = session;
            SourceLog.SessionIssued(Logger, RoleArn, Operation, SecretRedaction.MaskAccessKeyId(session.AccessKeyId), session.Expiration);
            activity?.SetTag("credentialkit.outcome", "success");
            return session;
        }
        catch (CredentialRefreshException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.ErrorCode);
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // Never the exception's message: it may quote what the source sent.
            activity?.SetStatus(ActivityStatusCode.Error, "SourceFailed");
            throw Failure($"{Operation} failed with {e.GetType().Name}", "SourceFailed", isTransient: true, e);
        }
    }

    public virtual void Dispose()
    {
    }

    /// <summary>Issues one session; a failure is a <see cref="CredentialRefreshException"/> made with <see cref="Failure"/>.</summary>
    protected abstract Task<SessionCredentials> FetchCoreAsync(CancellationToken cancellationToken);

    /// <summary>A failure of this source, named with the source and the profile; <paramref name="what"/> holds no secret.</summary>
    protected CredentialRefreshException Failure(string what, string errorCode, bool isTransient, Exception? inner) =>
        new($"{what} ({RoleArn}{RefreshingSession.ProfileSuffix(ProfileName)}).{(FailureNote is null ? string.Empty : " " + FailureNote)}",
            ProfileName, RoleArn, errorCode, attempts: 1, isTransient, inner);
}
