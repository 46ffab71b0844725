namespace CredentialKit;

/// <summary>
/// One refresh under way: the task every waiter shares (single-flight) and the cancellation that Dispose uses to abandon it.
/// </summary>
/// <remarks>
/// Continuations run asynchronously: a storm of waiters that joined must not run one after another on the thread that
/// completes the refresh (the inline runner does not wait on this task's continuation). The cancellation is per refresh
/// rather than one for the session's lifetime: a source that has had registrations (the SDK's HTTP call, Polly's timeout)
/// keeps them, which a warm idle tenant would otherwise carry. It is never disposed: it has no timer and no wait handle.
/// </remarks>
internal sealed class InflightRefresh() : TaskCompletionSource<SessionCredentials>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>Gets the refresh's token, cancelled when the session is disposed.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Cancels the refresh and fails it for its waiters (the session was disposed).</summary>
    public void Abandon()
    {
        _cancellation.Cancel();
        Fail(new ObjectDisposedException(nameof(ICredentialProvider)));
    }

    /// <summary>Hands the waiters <paramref name="credentials"/> when there are any, else fails them with <paramref name="error"/>.</summary>
    public void Complete(SessionCredentials? credentials, Exception error)
    {
        if (credentials is not null)
        {
            TrySetResult(credentials);
        }
        else
        {
            Fail(error);
        }
    }

    /// <summary>Fails the refresh for its waiters, and observes the failure: a background refresh may have none.</summary>
    public void Fail(Exception error)
    {
        if (TrySetException(error))
        {
            _ = Task.Exception;
        }
    }
}
