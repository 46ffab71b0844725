using System.Diagnostics;
using CredentialKit.Benchmarks.Infrastructure;

namespace CredentialKit.Benchmarks.SyncPath;

/// <summary>
/// Suite 7: <c>--threads</c> thread-pool threads (default 64) call the AWS SDK's synchronous
/// <c>ToAwsCredentials().GetCredentials()</c> at once on a cold provider (no session yet), as presigned-URL generation
/// does, against LocalSts on loopback. Reports the time until every caller has credentials and the STS calls made.
/// </summary>
/// <remarks>
/// Only the first storm of a process meets a thread pool at its start-up size; the pool keeps grown threads for about
/// 20 s, so later storms in the same process are flattered. Each run therefore measures one storm, and
/// <c>bench/run.sh</c> runs the suite twice: opted in to
/// <see cref="AwsCredentialsOptions.RaiseThreadPoolMinimumWhileBlocked"/>, and with <c>--no-boost</c> (the default).
/// </remarks>
internal static class ColdSyncPath
{
    public static async Task<int> RunAsync(int threads, bool boost)
    {
        ThreadPool.GetMinThreads(out var minWorkers, out _);
        Console.WriteLine($"## Cold synchronous path: {threads} thread-pool threads call GetCredentials() on a provider with no session " +
                          $"(thread pool minimum {minWorkers} workers, wait boost {(boost ? "on" : "off")})");
        Console.WriteLine();

        await using var server = await LocalStsEnvironment.StartAsync();
        using var provider = server.CreateProvider();
        var credentials = provider.ToAwsCredentials(new AwsCredentialsOptions { RaiseThreadPoolMinimumWhileBlocked = boost });
        using var gate = new ManualResetEventSlim();
        var done = new CountdownEvent(threads);
        var failures = 0;
        var stopwatch = new Stopwatch();
        for (var i = 0; i < threads; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                try
                {
                    gate.Wait();
                    _ = credentials.GetCredentials();
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
                finally
                {
                    done.Signal();
                }
            }, null);
        }

        stopwatch.Start();
        gate.Set();

        // Waited on a thread outside the pool, so the measurement itself does not hold a pool thread.
        var finished = await Task.Factory.StartNew(() => done.Wait(TimeSpan.FromMinutes(2)), TaskCreationOptions.LongRunning);
        stopwatch.Stop();

        var table = new MarkdownTable("Path", "threads", "wait boost", "all served (s)", "STS calls", "failures");
        table.Add("CredentialKit ToAwsCredentials().GetCredentials(), cold", threads, boost ? "on" : "off",
            finished ? stopwatch.Elapsed.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "> 120",
            server.AssumeRoleCalls, failures);
        table.Print();
        return finished && failures == 0 && server.AssumeRoleCalls == 1 ? 0 : 1;
    }
}
