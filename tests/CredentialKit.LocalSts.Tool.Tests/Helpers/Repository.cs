namespace CredentialKit.LocalSts.Tool.Tests.Helpers;

/// <summary>Where the repository and this build are, found from the test assembly's location.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration this test assembly was built in (the tool was built in the same one).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    public static string ToolProject => Path.Combine(Root, "src", "CredentialKit.LocalSts.Tool", "CredentialKit.LocalSts.Tool.csproj");

    public static string ExampleWorld => Path.Combine(Root, "src", "CredentialKit.LocalSts.Tool", "world.example.jsonc");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CredentialKit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No CredentialKit.sln above {AppContext.BaseDirectory}.");
    }
}
