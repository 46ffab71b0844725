using CredentialKit.LocalSts.Tool.Tests.Helpers;

namespace CredentialKit.LocalSts.Tool.Tests;

/// <summary>SIGTERM with awscli requests in flight, held by a hang fault and a delay fault: each client gets a clean failure it
/// retries (503, then the refused connection of the stopped server), never an empty success; the tool exits 0.</summary>
public sealed class ShutdownTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sigterm_RequestsHeldByHangAndDelay_EveryAwsCliRetriesAndFailsCleanly()
    {
        var tool = await LocalStsProcess.StartAsync("--port", "0");
        await using var _ = tool;
        var control = new ControlApi(tool.Endpoint);
        await control.SendAsync(HttpMethod.Post, "faults", """{"operation":"GetCallerIdentity","count":1,"fault":{"kind":"hang"}}""");
        await control.SendAsync(HttpMethod.Post, "faults", """{"operation":"GetSessionToken","count":1,"fault":{"kind":"delay","delaySeconds":600}}""");

        // Two attempts: the first is held and answered 503 at shutdown; had it been an empty 200, awscli would fail to parse it
        // without retrying. The retry meets the stopped server's closed port, or a second 503 while it stops.
        var env = AwsCli.Environment(World.DemoUser);
        env["AWS_MAX_ATTEMPTS"] = "2";
        Task<ProcessResult> Run(params string[] args) => ProcessRunner.RunAsync(
            AwsCli.Command, ["sts", .. args, "--endpoint-url", tool.Endpoint.ToString(), "--debug"], env, TimeSpan.FromSeconds(90), clearEnvironment: true);
        var hanging = Run("get-caller-identity");
        var delayed = Run("get-session-token");
        await WhenInFlightAsync(control, 2);

        var exitCode = await tool.TerminateAsync();

        Assert.Equal(0, exitCode);
        foreach (var result in new[] { await hanging.WaitAsync(Bounded), await delayed.WaitAsync(Bounded) })
        {
            Assert.True(result.ExitCode != 0, result.ToString());
            Assert.Contains("ServiceUnavailable", result.StandardError, StringComparison.Ordinal);
            Assert.True(
                result.StandardError.Contains("Could not connect to the endpoint URL", StringComparison.Ordinal)
                || result.StandardError.Contains("(ServiceUnavailable) when calling the", StringComparison.Ordinal)
                    && result.StandardError.Contains("(reached max retries: 1)", StringComparison.Ordinal),
                result.ToString());
            Assert.DoesNotContain("Credentials", result.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("\"Arn\"", result.StandardOutput, StringComparison.Ordinal);
        }
    }

    private static async Task WhenInFlightAsync(ControlApi control, int count)
    {
        using var timeout = new CancellationTokenSource(Bounded);
        while ((await control.SendAsync(HttpMethod.Get, "health")).GetProperty("inFlight").GetInt32() < count)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
        }
    }
}
