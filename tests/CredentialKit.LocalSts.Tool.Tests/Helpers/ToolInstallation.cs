using System.Globalization;

namespace CredentialKit.LocalSts.Tool.Tests.Helpers;

/// <summary>
/// Packs <c>CredentialKit.LocalSts.Tool</c> to a temporary folder and installs it from there with
/// <c>dotnet tool install --tool-path</c>, exactly as a user would from a downloaded nupkg. Done once per test run.
/// </summary>
internal static class ToolInstallation
{
    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    /// <summary>The path of the installed <c>localsts</c> command.</summary>
    public static Task<string> GetCommandAsync() => Installed.Value;

    private static async Task<string> InstallAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "localsts-tool-tests-" + Guid.NewGuid().ToString("N")[..8]);
        var feed = Path.Combine(root, "feed");
        var tools = Path.Combine(root, "tools");

        // A version of its own, so a copy of an earlier run in a NuGet cache can never be installed instead.
        var version = "0.0.0-conformance." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["NUGET_PACKAGES"] = Path.Combine(root, "nuget-packages"),
        };
        string[] pack = ["pack", Repository.ToolProject, "-c", Repository.Configuration, "-o", feed, $"-p:PackageVersion={version}", "--nologo"];

        // The test project's build already built the tool for every target framework; a fresh checkout run alone builds it here.
        var packed = await ProcessRunner.RunAsync("dotnet", [.. pack, "--no-build"], env, TimeSpan.FromMinutes(5), Repository.Root);
        if (packed.ExitCode != 0)
        {
            packed = await ProcessRunner.RunAsync("dotnet", pack, env, TimeSpan.FromMinutes(8), Repository.Root);
        }

        if (packed.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack failed: {packed}");
        }

        var install = await ProcessRunner.RunAsync(
            "dotnet",
            ["tool", "install", "CredentialKit.LocalSts.Tool", "--tool-path", tools, "--add-source", feed, "--version", version, "--ignore-failed-sources"],
            env, TimeSpan.FromMinutes(5), root);
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet tool install failed: {install}");
        }

        var command = Path.Combine(tools, "localsts");
        return File.Exists(command) ? command : throw new InvalidOperationException($"dotnet tool install left no {command}: {install}");
    }
}
