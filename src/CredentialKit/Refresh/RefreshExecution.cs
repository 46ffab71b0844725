namespace CredentialKit;

/// <summary>
/// Where a refresh runs: on the waiting caller's thread (up to the refresh's first real await) instead of queuing it to
/// the thread pool and blocking on the hop, or on the thread pool when the caller does not wait or must not run it.
/// </summary>
internal static class RefreshExecution
{
    /// <summary>
    /// Whether a waiting caller may run the refresh on its own thread: not under a custom <see cref="TaskScheduler"/>, where
    /// user code awaited inside the refresh (an MFA or web identity token callback) without <c>ConfigureAwait(false)</c>
    /// would be queued to that scheduler, and so could deadlock a caller that blocks on it; the thread pool runs it then.
    /// </summary>
    public static bool CanRunInline() => TaskScheduler.Current == TaskScheduler.Default;

    /// <summary>
    /// Runs the synchronous start of <paramref name="run"/> on the caller's thread, outside its
    /// <see cref="SynchronizationContext"/> (for the same reason as <see cref="CanRunInline"/>: a UI or legacy ASP.NET
    /// context would capture the refresh's continuations). What the refresh changes in the execution context (its span,
    /// its clock observation) stays in the refresh's own async flow and is restored for the caller when this returns.
    /// </summary>
    public static Task RunInline<TState>(Func<TState, Task> run, TState state)
    {
        var context = SynchronizationContext.Current;
        if (context is null)
        {
            return run(state);
        }

        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return run(state);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    /// <summary>
    /// The inline caller's wait. The refresh's own task completes on the thread that finished the STS call, right after
    /// the shared task (whose other waiters resume asynchronously, so a storm of them does not run serially on that
    /// thread): awaiting it resumes this caller there, without a hop. Its token cancels only its own wait, never the
    /// refresh, which runs on the session's token for the others.
    /// </summary>
    public static async ValueTask<SessionCredentials> AwaitInlineAsync(Task run, Task<SessionCredentials> shared, CancellationToken cancellationToken)
    {
        await run.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="run"/> off the caller's thread (a refresh-ahead caller returns at once; the timer callback
    /// stays short) and without its execution context: "unsafe" queuing flows none, so the refresh span does not become a
    /// child of whichever request happened to trigger it, and the refresh observes only its own STS responses
    /// (<see cref="StsClockObservation"/>).
    /// </summary>
    public static void Queue<TState>(Action<TState> run, TState state) =>
        ThreadPool.UnsafeQueueUserWorkItem(run, state, preferLocal: false);
}
