using System.Reflection;
using PublicApiGenerator;

namespace CredentialKit.Testing;

/// <summary>
/// An assembly's public surface as C# declarations, rendered by PublicApiGenerator: signatures with nullability
/// annotations, default values, attributes (including trimming and AOT annotations) and the extension classes in
/// <c>Microsoft.Extensions.DependencyInjection</c>, which the generator leaves out by default.
/// </summary>
internal static class PublicApiText
{
    private static readonly ApiGeneratorOptions Options = new()
    {
        // The generator skips Microsoft.* and System.* namespaces by default; CredentialKit puts its DI extensions there on purpose.
        AllowNamespacePrefixes = ["Microsoft.Extensions.DependencyInjection"],
        IncludeAssemblyAttributes = false,

        // Compiler bookkeeping that says nothing about the API.
        ExcludeAttributes =
        [
            "System.Runtime.CompilerServices.CompilerGeneratedAttribute",
            "System.Runtime.CompilerServices.NullableContextAttribute",
            "System.Diagnostics.DebuggerNonUserCodeAttribute",
        ],
    };

    public static string For(Assembly assembly) => assembly.GeneratePublicApi(Options).ReplaceLineEndings("\n");
}

/// <summary>
/// Compares an assembly's public surface with an approved snapshot under <c>tests/&lt;project&gt;/PublicApi/</c>; on a
/// difference it writes <c>&lt;name&gt;.received.txt</c> beside it and fails, naming what was added and removed.
/// </summary>
internal static class PublicApiSnapshot
{
    public static void Verify(Assembly assembly, string name, string testProject)
    {
        // Found from the test binaries upwards (not CallerFilePath: deterministic CI builds map source paths away).
        var directory = Path.Combine(RepositoryRoot(), "tests", testProject, "PublicApi");
        var approvedPath = Path.Combine(directory, $"{name}.approved.txt");
        var receivedPath = Path.Combine(directory, $"{name}.received.txt");
        var actual = PublicApiText.For(assembly);
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;

        if (actual == approved)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(receivedPath, actual);
        var added = actual.Split('\n').Except(approved.Split('\n')).Take(20);
        var removed = approved.Split('\n').Except(actual.Split('\n')).Take(20);
        Xunit.Assert.Fail(
            $"The public API of {name} changed. If intended, copy {receivedPath} over {approvedPath}.\n" +
            $"Added:\n  {string.Join("\n  ", added)}\nRemoved:\n  {string.Join("\n  ", removed)}");
    }

    private static string RepositoryRoot()
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
