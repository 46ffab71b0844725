using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CredentialKit.LocalSts.Tool.Tests.Helpers;

namespace CredentialKit.LocalSts.Tool.Tests;

/// <summary>What a service manager (docker stop, systemd, a CI step) expects of the <c>localsts</c> process.</summary>
public sealed class ProcessBehaviourTests
{
    [Fact]
    public async Task Start_Default_ReadyLineNamesEndpointAndDemoKeys()
    {
        await using var tool = await LocalStsProcess.StartAsync("--port", "0");

        Assert.Matches(@"^LocalSts ready on http://127\.0\.0\.1:\d+/ with AWS_ACCESS_KEY_ID=AKIALOCALSTSDEMO0001 AWS_SECRET_ACCESS_KEY=localStsDemoSecretKey/NotARealSecret0001$", tool.ReadyLine);
        Assert.Equal("127.0.0.1", tool.Endpoint.Host);
    }

    [Fact]
    public async Task Sigterm_Running_StopsCleanlyWithExitCodeZero()
    {
        var tool = await LocalStsProcess.StartAsync("--port", "0");
        await using var _ = tool;

        var exitCode = await tool.TerminateAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("LocalSts stopped.", tool.StandardOutput, StringComparison.Ordinal);
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, tool.Endpoint.Port));
    }

    [Fact]
    public async Task Start_PortInUse_ExitsThreeWithClearMessage()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var result = await LocalStsProcess.RunToExitAsync("--port", port);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            $"localsts: cannot listen on 127.0.0.1:{port}: the address is already in use. Stop the other process or pick another --port.",
            result.StandardError.Trim());
        Assert.DoesNotContain("Exception", result.StandardError, StringComparison.Ordinal);
    }

    // The default port is held here (or by someone else: either way it is in use), so the tool reports the port it tried
    // without leaving a server on a fixed port that parallel runs would fight over.
    [Theory]
    [InlineData(null, 4787)]
    [InlineData("4566", 4566)]
    public async Task Start_DefaultOrExplicitPort_ListensOnThatPort(string? explicitPort, int expectedPort)
    {
        using var occupied = TryOccupy(expectedPort);

        var result = await LocalStsProcess.RunToExitAsync(explicitPort is null ? [] : ["--port", explicitPort]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.StartsWith($"localsts: cannot listen on 127.0.0.1:{expectedPort}: the address is already in use.", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ListenOnAllAddresses_AnnouncesALoopbackEndpointThatWorks()
    {
        await using var tool = await LocalStsProcess.StartAsync("--port", "0", "--listen", "0.0.0.0");

        var outcome = await new AwsCli(tool.Endpoint).StsAsync(World.DemoUser, "get-caller-identity");

        Assert.Equal("127.0.0.1", tool.Endpoint.Host);
        Assert.Contains("Listening on all addresses (0.0.0.0)", tool.StandardOutput, StringComparison.Ordinal);
        Assert.True(outcome.ExitCode == 0, outcome.Raw);
        Assert.Equal(World.UserArn, outcome.Json!.Value.GetProperty("Arn").GetString());
    }

    private static TcpListener? TryOccupy(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return listener;
        }
        catch (SocketException)
        {
            listener.Dispose();
            return null; // already in use by another process: just as good
        }
    }

    [Theory]
    [InlineData("--port", "70000", "--port needs a number from 0 to 65535; got '70000'.")]
    [InlineData("--frobnicate", null, "Unknown argument '--frobnicate'.")]
    [InlineData("--config", "/nonexistent/world.json", "localsts: cannot read the world file '/nonexistent/world.json'")]
    [InlineData("--listen", "not-an-ip", "ListenAddress 'not-an-ip' is not an IP address")]
    public async Task Start_BadArguments_ExitsTwoNamingTheProblem(string name, string? value, string message)
    {
        var result = await LocalStsProcess.RunToExitAsync(value is null ? [name] : [name, value, "--port", "0"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WorldFileWithUnknownProperty_ExitsTwo()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("localsts-world-").FullName, "world.json");
        await File.WriteAllTextAsync(path, """{ "acounts": [] }""");

        var result = await LocalStsProcess.RunToExitAsync("--config", path, "--port", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("acounts", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_PrintsUsageAndExitsZero()
    {
        var result = await LocalStsProcess.RunToExitAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage: localsts [--port N]", result.StandardOutput, StringComparison.Ordinal);
    }
}
