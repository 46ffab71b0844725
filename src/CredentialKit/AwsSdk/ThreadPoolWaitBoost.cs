namespace CredentialKit;

/// <summary>
/// Keeps the thread pool able to run a refresh while thread-pool threads are blocked in the AWS SDK's synchronous
/// <c>AWSCredentials.GetCredentials()</c> (presigned URLs, synchronous SDK paths) on a provider with no usable session.
/// </summary>
/// <remarks>
/// <para>
/// A blocked caller cannot be avoided: the method is synchronous by contract. What can be avoided is the refresh waiting
/// for the pool to grow. The refresh, its HTTP I/O completions (and, with LocalSts, the server's own request handling)
/// are thread-pool work items queued <em>behind</em> the callers' own items, and the pool adds threads only at its
/// starvation rate, so without help the refresh runs only once nearly every caller has a blocked thread of its own
/// (docs/benchmarks.md, section 7).
/// </para>
/// <para>
/// So while a caller blocks, the pool's minimum worker count is raised by one per blocked caller plus one per core: the
/// pool then creates the threads at once instead of at its starvation rate, the queued work runs, and the callers are
/// released in about one STS round trip. When the last blocked caller returns, the minimum is put back, unless someone
/// else changed it meanwhile. Callers on threads outside the pool do not take part (they do not starve it).
/// </para>
/// <para>
/// The minimum is process-wide, so only an application that opted in
/// (<see cref="AwsCredentialsOptions.RaiseThreadPoolMinimumWhileBlocked"/>) ever reaches this class.
/// </para>
/// </remarks>
internal static class ThreadPoolWaitBoost
{
    /// <summary>The most threads the boost adds above the minimum it found.</summary>
    public const int MaxBoost = 512;

    private static readonly object Gate = new();
    private static int s_blocked;
    private static int s_baseline;
    private static int s_applied = -1;

    /// <summary>Gets the number of callers blocked right now (tests).</summary>
    internal static int Blocked
    {
        get
        {
            lock (Gate)
            {
                return s_blocked;
            }
        }
    }

    /// <summary>Blocks until <paramref name="task"/> completes, keeping the pool able to complete it.</summary>
    public static T Wait<T>(Task<T> task)
    {
        if (task.IsCompleted || !Thread.CurrentThread.IsThreadPoolThread)
        {
            return task.GetAwaiter().GetResult();
        }

        Enter();
        try
        {
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            Exit();
        }
    }

    private static void Enter()
    {
        lock (Gate)
        {
            ThreadPool.GetMinThreads(out var workers, out var io);
            if (s_blocked++ == 0)
            {
                s_baseline = workers;
            }

            var target = s_baseline + Math.Min(MaxBoost, s_blocked + Environment.ProcessorCount);
            if (workers < target && ThreadPool.SetMinThreads(target, io))
            {
                s_applied = target;
            }
        }
    }

    private static void Exit()
    {
        lock (Gate)
        {
            if (--s_blocked > 0)
            {
                return;
            }

            ThreadPool.GetMinThreads(out var workers, out var io);
            if (workers == s_applied)
            {
                ThreadPool.SetMinThreads(s_baseline, io);
            }

            s_applied = -1;
        }
    }
}
