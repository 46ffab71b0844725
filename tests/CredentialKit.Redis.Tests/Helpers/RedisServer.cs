using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CredentialKit.Redis.Tests.Helpers;

/// <summary>
/// A real <c>redis-server</c> (Debian's package, 7.0) on a free loopback port with a temporary directory and no
/// persistence, started by the tests and stopped (killed) by them. <c>.ci/test.sh</c> installs the package when missing.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string Executable = "/usr/bin/redis-server";
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly string _directory;

    private RedisServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000";

    public bool IsRunning => !_process.HasExited;

    public static async Task<RedisServer> StartAsync()
    {
        // The free port is found before redis-server binds it: another process may take it meanwhile, so try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortAsync();
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Starts a server again on the port of one that was killed, as Redis coming back after an outage.</summary>
    public static Task<RedisServer> RestartAsync(RedisServer killed) => StartOnPortAsync(killed.Port);

    private static Task<RedisServer> StartOnFreePortAsync() => StartOnPortAsync(FreePort());

    private static async Task<RedisServer> StartOnPortAsync(int port)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: run `bash .ci/test.sh`, which installs Debian's redis-server package.");
        }

        var directory = Directory.CreateTempSubdirectory("credentialkit-redis-").FullName;
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", directory, "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, directory, port);
        try
        {
            await server.WaitUntilReadyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Kills the server at once, as a crash or a network partition would look to clients.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilReadyAsync()
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException)
            {
                // Not listening yet.
            }

            if (started.Elapsed > StartBound)
            {
                throw new TimeoutException($"redis-server did not answer PING on port {Port} within {StartBound}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }
    }
}
