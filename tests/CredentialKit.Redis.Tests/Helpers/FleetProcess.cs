using System.Diagnostics;
using System.Text.Json;

namespace CredentialKit.Redis.Tests.Helpers;

/// <summary>
/// One real process of a test fleet (<c>CredentialKit.Redis.FleetNode</c>, built with this project): started with its
/// command line, ready once it prints <c>ready</c>, and done when it prints its JSON summary and exits.
/// </summary>
internal sealed class FleetProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private FleetProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data is null ? null : "stderr: " + e.Data);
    }

    /// <summary>Gets the summary the node printed on exit, or <see langword="null"/> before.</summary>
    public JsonElement? Summary { get; private set; }

    /// <summary>Gets everything the node printed, for failure messages (it prints no secret).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>
    /// Starts a node of the multi-process tests' fleet: a two-hop chain against <paramref name="sts"/> sharing through
    /// <paramref name="redis"/>, asking every 50 ms, a 1.5 s minimum lifetime and a 5 s store timeout, plus <paramref name="more"/>.
    /// </summary>
    public static FleetProcess StartNode(
        LocalSts.LocalStsServer sts, RedisServer redis, DirectoryInfo keyRing, string prefix, TimeSpan duration, TimeSpan refreshAhead, params string[] more) =>
        Start([
            "--sts", sts.Endpoint.ToString(),
            "--redis", redis.Configuration,
            "--key-ring", keyRing.FullName,
            "--prefix", prefix,
            "--duration", Seconds(duration),
            "--interval-ms", "50",
            "--refresh-ahead", Seconds(refreshAhead),
            "--minimum-lifetime", "1.5",
            "--store-timeout", "5",
            .. more]);

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static FleetProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(NodePath());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var node = new FleetProcess(new Process { StartInfo = start });
        node._process.Start();
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Completes when the node holds credentials; fails if it exits before.</summary>
    public Task WhenReady => _ready.Task;

    /// <summary>Waits for the node to exit on its own, and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The node's assembly, next to this test's output in the same configuration and target framework.</summary>
    private static string NodePath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var tests = output.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "CredentialKit.Redis.FleetNode", "bin", configuration, framework, "CredentialKit.Redis.FleetNode.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build tests/CredentialKit.Redis.FleetNode first.", path);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException("The fleet node exited before it was ready:\n" + Output));
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (line == "ready")
        {
            _ready.TrySetResult();
        }
        else if (line.StartsWith('{'))
        {
            Summary = JsonDocument.Parse(line).RootElement.Clone();
        }
    }
}
