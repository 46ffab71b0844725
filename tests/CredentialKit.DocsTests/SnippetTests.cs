namespace CredentialKit.DocsTests;

/// <summary>Every C# snippet a reader copies from README.md or docs/ compiles against the real packages.</summary>
public class SnippetTests
{
    /// <summary>Every ```csharp block of every page, named by page and line.</summary>
    public static TheoryData<string> CSharpSnippets()
    {
        var data = new TheoryData<string>();
        foreach (var snippet in DocsPages.Snippets.Where(IsCSharp))
        {
            data.Add(snippet.ToString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CSharpSnippets))]
    public void CSharpSnippet_Compiles(string where)
    {
        var snippet = DocsPages.Snippets.Single(s => s.ToString() == where);
        if (snippet.NotCompiledReason is not null)
        {
            Assert.False(string.IsNullOrWhiteSpace(snippet.NotCompiledReason.Trim('(', ')')),
                $"{where}: a not-compiled marker must say why");
            return;
        }

        var problems = SnippetCompiler.Compile(snippet);

        Assert.True(problems.Count == 0, $"The snippet at {where} does not compile:\n{string.Join('\n', problems)}\n\n{snippet.Code}");
    }

    [Fact]
    public void Pages_CSharpSnippets_AreFound()
    {
        // The extractor itself: if it stopped seeing blocks, every snippet test above would vanish and still "pass".
        Assert.Contains(DocsPages.Snippets, s => s.File == "README.md" && IsCSharp(s));
        Assert.True(DocsPages.Snippets.Count(IsCSharp) >= 10, $"only {DocsPages.Snippets.Count(IsCSharp)} C# snippets found");
    }

    [Fact]
    public void Compile_ABrokenSnippet_ReportsTheErrorAtItsPageLine()
    {
        var broken = new MarkdownSnippet("docs/example.md", 40, "csharp", "var x = 1;\nCredentialProvider.NoSuchMethod();", null);

        var problems = SnippetCompiler.Compile(broken);

        var problem = Assert.Single(problems);
        Assert.StartsWith("docs/example.md:41: error CS0117", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ASnippetUsingTheConvention_Compiles()
    {
        var snippet = new MarkdownSnippet("docs/example.md", 1, "csharp",
            "await using var p = CredentialProvider.Create(o);\nvar c = await p.GetCredentialsAsync(ct);", null);

        Assert.Empty(SnippetCompiler.Compile(snippet));
    }

    [Fact]
    public void NotCompiledMarker_OnTheLineBeforeTheFence_IsReadWithItsReason()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ck-docs-{Guid.NewGuid():N}.md");
        File.WriteAllText(path, "text\n<!-- snippet: not-compiled (pseudo-code) -->\n```csharp\nnot C#\n```\n```csharp\nvar a = 1;\n```\n");
        try
        {
            var snippets = MarkdownSnippet.Read(Path.GetDirectoryName(path)!, Path.GetFileName(path)).ToList();

            Assert.Equal(2, snippets.Count);
            Assert.Equal("(pseudo-code)", snippets[0].NotCompiledReason);
            Assert.Equal(4, snippets[0].Line);
            Assert.Null(snippets[1].NotCompiledReason);
            Assert.Equal("var a = 1;", snippets[1].Code);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static bool IsCSharp(MarkdownSnippet snippet) =>
        snippet.Language is "csharp" or "cs" or "c#" or "C#";
}
