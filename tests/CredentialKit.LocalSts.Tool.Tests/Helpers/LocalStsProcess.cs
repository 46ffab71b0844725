using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace CredentialKit.LocalSts.Tool.Tests.Helpers;

/// <summary>A running <c>localsts</c> process: started with arguments, ready once it printed its ready line, stopped with SIGTERM.</summary>
internal sealed partial class LocalStsProcess : IAsyncDisposable
{
    public const string ReadyPrefix = "LocalSts ready on ";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LocalStsProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _ready.TrySetException(new InvalidOperationException($"localsts ended before it was ready: {Output}"));
                return;
            }

            lock (_stdout)
            {
                _stdout.AppendLine(e.Data);
            }

            if (e.Data.StartsWith(ReadyPrefix, StringComparison.Ordinal))
            {
                _ready.TrySetResult(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
    }

    public Uri Endpoint { get; private set; } = null!;

    public string ReadyLine { get; private set; } = string.Empty;

    public int ProcessId => _process.Id;

    public string Output
    {
        get
        {
            lock (_stdout)
            {
                lock (_stderr)
                {
                    return $"stdout:\n{_stdout}\nstderr:\n{_stderr}";
                }
            }
        }
    }

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the installed tool and waits (bounded) for its ready line.</summary>
    public static async Task<LocalStsProcess> StartAsync(params string[] arguments)
    {
        var running = Start(await ToolInstallation.GetCommandAsync(), arguments);
        try
        {
            try
            {
                running.ReadyLine = await running._ready.Task.WaitAsync(ReadyTimeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"localsts printed no ready line within {ReadyTimeout}: {running.Output}");
            }

            var url = running.ReadyLine[ReadyPrefix.Length..].Split(' ')[0];
            running.Endpoint = new Uri(url);
            return running;
        }
        catch
        {
            await running.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the installed tool to completion (for arguments that make it exit by itself).</summary>
    public static async Task<ProcessResult> RunToExitAsync(params string[] arguments) =>
        await ProcessRunner.RunAsync(await ToolInstallation.GetCommandAsync(), arguments, timeout: ExitTimeout);

    /// <summary>Sends SIGTERM, as docker stop or systemd would, and returns the exit code (bounded wait).</summary>
    public async Task<int> TerminateAsync()
    {
        if (kill(_process.Id, Sigterm) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        using var cts = new CancellationTokenSource(ExitTimeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"localsts did not exit within {ExitTimeout} of SIGTERM: {Output}");
        }

        _process.WaitForExit(); // flushes the redirected output events
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await TerminateAsync();
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static LocalStsProcess Start(string command, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var running = new LocalStsProcess(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    private const int Sigterm = 15;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
