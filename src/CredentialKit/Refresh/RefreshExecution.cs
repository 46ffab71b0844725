using System.Diagnostics;

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
    private static bool CanRunInline() => TaskScheduler.Current == TaskScheduler.Default;

    /// <summary>
    /// Runs <paramref name="refresh"/> for a caller that waits for it anyway: on the caller's thread up to the refresh's
    /// first real await, when it may (<see cref="CanRunInline"/>), else on the thread pool.
    /// </summary>
    public static ValueTask<SessionCredentials> RunForWaiter(
        RefreshingSession session, InflightRefresh refresh, RefreshTrigger trigger, CancellationToken cancellationToken)
    {
        var shared = refresh.Task;
        if (!CanRunInline())
        {
            Launch(session, refresh, trigger);
            return new ValueTask<SessionCredentials>(shared.WaitAsync(cancellationToken));
        }

        var run = RunInline(session, refresh, trigger);
        if (run.IsCompleted)
        {
            // An STS (or a fake) that answered synchronously: the shared task is complete too, unless Dispose is
            // completing it right now.
            return new ValueTask<SessionCredentials>(shared.IsCompleted ? shared : shared.WaitAsync(cancellationToken));
        }

        return AwaitInlineAsync(run, shared, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="refresh"/> off the caller's thread (a refresh-ahead caller returns at once; the timer callback
    /// stays short) and without its execution context: "unsafe" queuing flows none, so the refresh span does not become a
    /// child of whichever request happened to trigger it, and the refresh observes only its own STS responses
    /// (<see cref="StsClockObservation"/>).
    /// </summary>
    public static void Launch(RefreshingSession session, InflightRefresh refresh, RefreshTrigger trigger) =>
        ThreadPool.UnsafeQueueUserWorkItem(
            static state => _ = RunAsync(state.Session, state.Refresh, state.Trigger, inline: false),
            (Session: session, Refresh: refresh, Trigger: trigger),
            preferLocal: false);

    /// <summary>
    /// Runs the synchronous start of the refresh on the caller's thread, outside its <see cref="SynchronizationContext"/>
    /// (for the same reason as <see cref="CanRunInline"/>: a UI or legacy ASP.NET context would capture the refresh's
    /// continuations). What the refresh changes in the execution context (its span, its clock observation) stays in the
    /// refresh's own async flow and is restored for the caller when this returns.
    /// </summary>
    private static Task RunInline(RefreshingSession session, InflightRefresh refresh, RefreshTrigger trigger)
    {
        var context = SynchronizationContext.Current;
        if (context is null)
        {
            return RunAsync(session, refresh, trigger, inline: true);
        }

        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return RunAsync(session, refresh, trigger, inline: true);
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
    private static async ValueTask<SessionCredentials> AwaitInlineAsync(Task run, Task<SessionCredentials> shared, CancellationToken cancellationToken)
    {
        await run.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one refresh of <paramref name="session"/> to its outcome, which the session applies: its span, its fetch, and
    /// an outcome for every waiter whatever happens (cancellation by Dispose, a failure, a throwing logging provider).
    /// </summary>
    /// <remarks>The refresh's token is cancelled when Dispose runs, also before the refresh starts.</remarks>
    private static async Task RunAsync(
        RefreshingSession session, InflightRefresh refresh, RefreshTrigger trigger, bool inline)
    {
        if (inline && Activity.Current is not null)
        {
            // Run inline, the refresh inherits the caller's execution context. Its span must not become a child of the
            // request that happened to trigger it; Activity.Current is async-local, so the caller's is restored when
            // this method returns to it.
            Activity.Current = null;
        }

        var telemetry = session.TelemetrySink;
        var started = session.TimeProvider.GetTimestamp();
        Activity? activity = null;
        try
        {
            activity = telemetry.RefreshStarted(trigger);
            var (credentials, timing, now) = await session.FetchAsync(refresh.Token).ConfigureAwait(false);
            session.OnSucceeded(refresh, credentials, timing, now, trigger, started, activity);
        }
        catch (Exception) when (session.IsDisposed)
        {
            refresh.Fail(new ObjectDisposedException(nameof(ICredentialProvider)));
        }
        catch (Exception exception)
        {
            session.OnFailed(refresh, RefreshFailurePolicy.ToRefreshException(exception, session.RoleArn, session.ProfileName), trigger, started, activity);
        }
        finally
        {
            activity?.Dispose();
            if (!refresh.Task.IsCompleted && !session.IsDisposed)
            {
                // Only when the end of the refresh itself threw (a logging provider, say): no waiter may hang on it.
                session.Abandon(refresh);
            }

            telemetry.RefreshEnded();
        }
    }
}
