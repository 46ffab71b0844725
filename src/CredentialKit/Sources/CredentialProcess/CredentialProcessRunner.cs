using System.ComponentModel;
using System.Diagnostics;

namespace CredentialKit;

/// <summary>What one run of a credential process produced. Stdout and stderr are raw: never log or show them as they are.</summary>
internal sealed record CredentialProcessResult(int ExitCode, byte[] Stdout, bool StdoutTooLarge, string Stderr);

/// <summary>
/// Runs a credential process without a shell (the executable and its arguments as split by
/// <see cref="CommandLineSplitter"/>), with stdin closed, stdout and stderr read through caps, and a time limit on the
/// injected clock. A process that overruns either limit, or whose caller gives up, is killed with its children.
/// </summary>
internal static class CredentialProcessRunner
{
    /// <exception cref="TimeoutException">The process ran longer than <paramref name="timeout"/> (it was killed).</exception>
    /// <exception cref="Win32Exception">The executable could not be started (not found, not executable).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (the process was killed).</exception>
    public static async Task<CredentialProcessResult> RunAsync(
        IReadOnlyList<string> arguments, TimeSpan timeout, int maxOutputBytes, TimeProvider time, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(arguments[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        for (var i = 1; i < arguments.Count; i++)
        {
            start.ArgumentList.Add(arguments[i]);
        }

        using var process = new Process { StartInfo = start };
        process.Start();

        // Closed at once: a process that waits for input (a prompt) gets end-of-file rather than hanging to the timeout.
        process.StandardInput.Close();

        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        using var tooLarge = new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(linked.Token, tooLarge.Token);
        using var kill = stop.Token.Register(static state => KillQuietly((Process)state!), process);
        try
        {
            var stdout = ReadCappedAsync(process.StandardOutput.BaseStream, maxOutputBytes, tooLarge, stop.Token);
            var stderr = ReadCappedAsync(process.StandardError.BaseStream, CredentialProcessDefaults.MaxErrorBytes, overflow: null, stop.Token);
            var (output, overflowed) = await stdout.ConfigureAwait(false);
            var (error, _) = await stderr.ConfigureAwait(false);
            await process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
            return new CredentialProcessResult(process.ExitCode, output, overflowed, System.Text.Encoding.UTF8.GetString(error));
        }
        catch (OperationCanceledException) when (tooLarge.IsCancellationRequested)
        {
            return new CredentialProcessResult(-1, [], StdoutTooLarge: true, string.Empty);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException();
        }
    }

    /// <summary>
    /// Reads <paramref name="stream"/> to its end, keeping at most <paramref name="cap"/> bytes. Past the cap, stdout
    /// (<paramref name="overflow"/> given) stops the run; stderr is drained and dropped, so the process never blocks on it.
    /// </summary>
    private static async Task<(byte[] Data, bool Overflowed)> ReadCappedAsync(
        Stream stream, int cap, CancellationTokenSource? overflow, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(cap, 8 * 1024)];
        var kept = new MemoryStream();
        var overflowed = false;
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (kept.ToArray(), overflowed);
            }

            var room = cap - (int)kept.Length;
            if (read > room)
            {
                overflowed = true;
                if (overflow is not null)
                {
                    await overflow.CancelAsync().ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            kept.Write(buffer, 0, Math.Min(read, Math.Max(room, 0)));
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already exited.
        }
    }
}
