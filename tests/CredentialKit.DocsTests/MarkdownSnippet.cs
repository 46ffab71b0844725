using System.Text.RegularExpressions;

namespace CredentialKit.DocsTests;

/// <summary>One fenced block of a Markdown page: its language, its text and where it starts.</summary>
/// <param name="File">The page, relative to the repository root.</param>
/// <param name="Line">The 1-based line of the block's first code line.</param>
/// <param name="Language">The fence's info string (<c>csharp</c>, <c>bash</c>, …).</param>
/// <param name="Code">The block's text.</param>
/// <param name="NotCompiledReason">The reason given by a <c>&lt;!-- snippet: not-compiled (…) --&gt;</c> marker on the line
/// before the fence, or <see langword="null"/>.</param>
public sealed partial record MarkdownSnippet(string File, int Line, string Language, string Code, string? NotCompiledReason)
{
    /// <summary>The marker that keeps one block out of compilation; it must say why.</summary>
    public const string NotCompiledMarker = "<!-- snippet: not-compiled";

    /// <summary>Where the block is, as the reader finds it: <c>README.md:52</c>.</summary>
    public override string ToString() => $"{File}:{Line}";

    /// <summary>Reads every fenced block of <paramref name="path"/>.</summary>
    /// <param name="root">The repository root.</param>
    /// <param name="path">The page, relative to <paramref name="root"/>.</param>
    public static IEnumerable<MarkdownSnippet> Read(string root, string path)
    {
        var lines = System.IO.File.ReadAllLines(Path.Combine(root, path));
        for (var i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].TrimEnd() != open.Groups["fence"].Value)
            {
                end++;
            }

            var marker = i > 0 && lines[i - 1].TrimStart().StartsWith(NotCompiledMarker, StringComparison.Ordinal)
                ? lines[i - 1].Trim()[NotCompiledMarker.Length..].Trim().TrimEnd('>').TrimEnd('-').Trim()
                : null;
            yield return new MarkdownSnippet(path.Replace('\\', '/'), start + 1, open.Groups["lang"].Value,
                string.Join('\n', lines[start..end]), marker);
            i = end;
        }
    }

    [GeneratedRegex(@"^(?<fence>```+)\s*(?<lang>[\w#+-]*)")]
    private static partial Regex Fence();
}
