using System.Text.RegularExpressions;

namespace CredentialKit.DocsTests;

/// <summary>Every relative link of README.md and docs/ reaches a file, and its <c>#anchor</c> a heading of that file.</summary>
public partial class LinkTests
{
    [Fact]
    public void RelativeLinks_ReachAFileAndHeading()
    {
        var broken = new List<string>();
        foreach (var page in DocsPages.All)
        {
            var text = WithoutCode(File.ReadAllText(Path.Combine(DocsPages.Root, page)));
            foreach (Match link in Link().Matches(text))
            {
                var target = link.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var hash = target.IndexOf('#');
                var file = hash < 0 ? target : target[..hash];
                var anchor = hash < 0 ? null : target[(hash + 1)..];
                var path = file.Length == 0 ? page : Path.GetRelativePath(DocsPages.Root,
                    Path.GetFullPath(Path.Combine(DocsPages.Root, Path.GetDirectoryName(page)!, file))).Replace('\\', '/');
                var full = Path.Combine(DocsPages.Root, path);
                if (!File.Exists(full) && !Directory.Exists(full))
                {
                    broken.Add($"{page}: [{link.Groups["text"].Value}]({target}): no file {path}");
                }
                else if (anchor is not null && File.Exists(full) && !Anchors(File.ReadAllText(full)).Contains(anchor))
                {
                    broken.Add($"{page}: [{link.Groups["text"].Value}]({target}): {path} has no heading #{anchor}");
                }
            }
        }

        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    [Theory]
    [InlineData("## 7. Cold synchronous path", "7-cold-synchronous-path")]
    [InlineData("## In code: `CredentialProvider.Create`", "in-code-credentialprovidercreate")]
    [InlineData("## Where a chain starts (source credentials)", "where-a-chain-starts-source-credentials")]
    public void Anchors_AreGitHubsHeadingSlugs(string heading, string anchor)
    {
        Assert.Contains(anchor, Anchors(heading));
    }

    /// <summary>The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Anchors(string markdown) =>
        WithoutCode(markdown).Split('\n')
            .Where(l => l.StartsWith('#'))
            .Select(l => l.TrimStart('#').Trim().ToLowerInvariant())
            .Select(h => NotInSlug().Replace(h, "").Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

    private static string WithoutCode(string markdown) => FencedBlock().Replace(markdown, "");

    [GeneratedRegex(@"(?<!!)\[(?<text>[^\]]*)\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"[^\p{L}\p{Nd}\- _]")]
    private static partial Regex NotInSlug();

    [GeneratedRegex(@"^```[\s\S]*?^```", RegexOptions.Multiline)]
    private static partial Regex FencedBlock();
}
