using System.Diagnostics;

namespace CredentialKit.IntegrationTests.NativeAot;

/// <summary>
/// The Native AOT sample (<c>samples/CredentialKit.Samples.Aot</c>), published by <c>.ci/test.sh</c> with
/// <c>PublishAot=true</c> and run as a native binary against LocalSts: a two-hop chain and an SDK client from
/// <c>AddAWSService&lt;T&gt;(profile)</c>, with no JIT to fall back on.
/// </summary>
public sealed class AotSampleTests
{
    /// <summary>Where <c>.ci/test.sh</c> puts the published binary; unset when the tests run without publishing it.</summary>
    public const string BinaryVariable = "CREDENTIALKIT_AOT_SAMPLE";

    [SkippableFact]
    public async Task PublishedNativeBinary_AgainstLocalSts_AssumesTheChainAndPrintsTheCallerIdentity()
    {
        var binary = Environment.GetEnvironmentVariable(BinaryVariable);
        Skip.If(string.IsNullOrEmpty(binary), $"{BinaryVariable} is not set: .ci/test.sh publishes the AOT sample and sets it.");
        Assert.True(File.Exists(binary), $"{BinaryVariable} names {binary}, which does not exist.");
        // A separate process reads the real clock, so LocalSts does too (the harness's manual clock would issue sessions in the past).
        await using var sts = await LocalStsServer.StartNewAsync(LocalStsOptions.CreateDemo());

        var (exitCode, output, error) = await RunAsync(binary!, "--sts-endpoint", sts.Endpoint.ToString());

        Assert.True(exitCode == 0, $"exit code {exitCode}: {error}");
        Assert.Contains(
            $"Caller identity: arn:aws:sts::{LocalStsDemo.ReportsAccountId}:assumed-role/reports/aot-sample (account {LocalStsDemo.ReportsAccountId})",
            output,
            StringComparison.Ordinal);
        Assert.Equal(
            [LocalStsDemo.HubRoleArn, LocalStsDemo.ReportsRoleArn],
            sts.Journal.Snapshot().Where(e => e.Operation == "AssumeRole").Select(e => e.Parameters["RoleArn"]));
        Assert.DoesNotContain(LocalStsDemo.SecretAccessKey, output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task PublishedNativeBinary_WithoutEndpoint_FailsWithUsage()
    {
        var binary = Environment.GetEnvironmentVariable(BinaryVariable);
        Skip.If(string.IsNullOrEmpty(binary), $"{BinaryVariable} is not set: .ci/test.sh publishes the AOT sample and sets it.");

        var (exitCode, _, error) = await RunAsync(binary!);

        Assert.Equal(2, exitCode);
        Assert.Contains("--sts-endpoint must be an absolute URL", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string binary, params string[] args)
    {
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
