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
        Assert.Contains($"localsts: cannot listen on 127.0.0.1:{port}: the address is already in use.", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.StandardError, StringComparison.Ordinal);
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
