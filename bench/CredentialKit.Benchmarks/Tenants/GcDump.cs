using System.Diagnostics;

namespace CredentialKit.Benchmarks.Tenants;

/// <summary>
/// Writes a heap dump of this process with <c>dotnet-gcdump</c> when that tool is on the PATH (nothing is installed
/// for it: without the tool the dump is skipped and the suite says so).
/// </summary>
internal static class GcDump
{
    private static readonly string? Tool = Find();

    public static bool Available => Tool is not null;

    /// <summary>Collects <c>bench/results/&lt;name&gt;.gcdump</c>; returns its path, or <see langword="null"/> when skipped or failed.</summary>
    public static string? TryCollect(string name)
    {
        if (Tool is null)
        {
            return null;
        }

        var path = Path.GetFullPath(Path.Combine("bench", "results", name + ".gcdump"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var process = Process.Start(new ProcessStartInfo(Tool, ["collect", "-p", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        });
        if (process is null || !process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process?.Kill();
            return null;
        }

        return process.ExitCode == 0 && File.Exists(path) ? path : null;
    }

    private static string? Find()
    {
        var home = Environment.GetEnvironmentVariable("HOME");
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Append(home is null ? string.Empty : Path.Combine(home, ".dotnet", "tools"));
        return candidates.Where(d => d.Length > 0).Select(d => Path.Combine(d, "dotnet-gcdump")).FirstOrDefault(File.Exists);
    }
}
