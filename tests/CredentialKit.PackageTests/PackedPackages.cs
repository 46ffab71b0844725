using System.Diagnostics;
using System.IO.Compression;

namespace CredentialKit.PackageTests;

/// <summary>
/// Runs <c>dotnet pack</c> once for every packable project under <c>src/</c> into a temporary folder, as a release
/// would, and opens the packages. Shared by every test of the assembly.
/// </summary>
public sealed class PackedPackages : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), $"credentialkit-pack-{Guid.NewGuid():N}");

    public PackedPackages()
    {
        RepositoryRoot = FindRepositoryRoot();
        Directory.CreateDirectory(_output);
        Projects = Directory.GetDirectories(Path.Combine(RepositoryRoot, "src"))
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".csproj"))
            .Where(File.Exists)
            .ToList();
        foreach (var project in Projects)
        {
            Pack(project);
        }
    }

    public string RepositoryRoot { get; }

    public IReadOnlyList<string> Projects { get; }

    /// <summary>Opens the package (or, with <paramref name="symbols"/>, the symbol package) built from <paramref name="project"/>.</summary>
    public ZipArchive Open(string project, bool symbols = false)
    {
        // "CredentialKit.0.1.0.nupkg", not "CredentialKit.LocalSts.0.1.0.nupkg": the id is followed by the version.
        var id = Path.GetFileNameWithoutExtension(project);
        var extension = symbols ? ".snupkg" : ".nupkg";
        var path = Directory.GetFiles(_output, $"{id}.*{extension}")
            .Single(p => Path.GetFileName(p) is var name && name.Length > id.Length + 1 && char.IsDigit(name[id.Length + 1]));
        return ZipFile.OpenRead(path);
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);

    private void Pack(string project)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot };
        foreach (var arg in new[] { "pack", project, "-c", "Release", "-o", _output, "-nologo" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet pack {project} did not finish in 4 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack {project} failed ({process.ExitCode}):\n{output.Result}\n{error.Result}");
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CredentialKit.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CredentialKit.sln above {AppContext.BaseDirectory}.");
    }
}
