namespace CredentialKit.DocsTests;

/// <summary>The pages a reader is sent to: README.md, every page under docs/, and each package's README (nuget.org shows it).</summary>
public static class DocsPages
{
    /// <summary>Gets the repository root (the folder holding CredentialKit.sln), found from the test's output folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Gets the pages, relative to <see cref="Root"/>.</summary>
    public static IReadOnlyList<string> All { get; } =
        new[] { "README.md" }
            .Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/'))
                .Order(StringComparer.Ordinal))
            .Concat(Directory.GetDirectories(Path.Combine(Root, "src"))
                .Select(d => Path.Combine(d, "README.md"))
                .Where(File.Exists)
                .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/'))
                .Order(StringComparer.Ordinal))
            .ToList();

    /// <summary>Gets every fenced block of every page.</summary>
    public static IReadOnlyList<MarkdownSnippet> Snippets { get; } = All.SelectMany(p => MarkdownSnippet.Read(Root, p)).ToList();

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
