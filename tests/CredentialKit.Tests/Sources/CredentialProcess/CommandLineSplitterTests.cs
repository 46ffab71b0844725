namespace CredentialKit.Tests.Sources;

public sealed class CommandLineSplitterTests
{
    [Theory]
    [InlineData("aws-vault export --format=json dev", new[] { "aws-vault", "export", "--format=json", "dev" })]
    [InlineData("  /opt/bin/x   a\tb  ", new[] { "/opt/bin/x", "a", "b" })]
    [InlineData("x 'a b' \"c d\"", new[] { "x", "a b", "c d" })]
    [InlineData("x 'it''s' \"say \\\"hi\\\"\" \"back\\\\slash\" \"keep\\n\"", new[] { "x", "its", "say \"hi\"", "back\\slash", "keep\\n" })]
    [InlineData("x a\\ b \\$HOME 'single \\ kept' ''", new[] { "x", "a b", "$HOME", "single \\ kept", "" })]
    [InlineData("x $HOME a;b `id` |c", new[] { "x", "$HOME", "a;b", "`id`", "|c" })]
    public void SplitPosix_FollowsShlex(string line, string[] expected) =>
        Assert.Equal(expected, CommandLineSplitter.SplitPosix(line));

    [Theory]
    [InlineData("x 'open", "single quote")]
    [InlineData("x \"open", "double quote")]
    [InlineData("x trailing\\", "backslash")]
    public void SplitPosix_Unterminated_FailsSayingWhy(string line, string problem)
    {
        var error = Assert.Throws<FormatException>(() => CommandLineSplitter.SplitPosix(line));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"C:\\Program Files\\tool.exe\" --profile dev", new[] { "C:\\Program Files\\tool.exe", "--profile", "dev" })]
    [InlineData("x a\\\\\\\"b \"c\\\\\" d\\e", new[] { "x", "a\\\"b", "c\\", "d\\e" })]
    [InlineData("x 'single' \"\"", new[] { "x", "'single'", "" })]
    public void SplitWindows_FollowsCommandLineToArgv(string line, string[] expected) =>
        Assert.Equal(expected, CommandLineSplitter.SplitWindows(line));

    [Fact]
    public void Settings_From_UnsplittableLine_FailsWithoutQuotingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => CredentialProcessSettings.From("tool --secret 'hunter2"));

        Assert.Contains("never closed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }
}
