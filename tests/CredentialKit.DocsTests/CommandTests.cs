using System.Diagnostics;

namespace CredentialKit.DocsTests;

/// <summary>
/// Every shell command of README.md and docs/ names a project, script, option and sub-command that exist; the README's
/// two set-up commands are exactly there, and the main sample runs.
/// </summary>
public class CommandTests
{
    /// <summary>Every command line of every ```bash block, named by page and line.</summary>
    public static TheoryData<string, string> Commands()
    {
        var data = new TheoryData<string, string>();
        foreach (var (where, command) in DocsPages.Snippets.Where(s => s.Language is "bash" or "sh" or "shell").SelectMany(Lines))
        {
            data.Add(where, command);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void ShellCommand_NamesWhatExists(string where, string command)
    {
        var problems = ShellCommand.Problems(command).ToList();

        Assert.True(problems.Count == 0, $"{where}: {command}\n{string.Join('\n', problems)}");
    }

    [Theory]
    [InlineData("dotnet run --project src/CredentialKit.LocalSts.Tool -- --port 4566", "needs -f")]
    [InlineData("dotnet run --project samples/NoSuchSample", "no such project")]
    [InlineData("dotnet run -c Release --project bench/CredentialKit.Benchmarks -- storm --no-such-flag 1", "does not read '--no-such-flag'")]
    [InlineData("bench/run.sh no-such-suite", "does not read 'no-such-suite'")]
    [InlineData("bash .ci/no-such.sh", "no such script")]
    [InlineData("aws sts no-such-operation --role-arn x", "not run by the awscli conformance tests")]
    [InlineData("curl -s -X POST http://127.0.0.1:4787/_localsts/no-such-route", "no route")]
    [InlineData("make all", "no check knows")]
    public void ShellCommand_ThatDoesNotFit_IsReported(string command, string expected)
    {
        var problems = ShellCommand.Problems(command).ToList();

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Readme_SetUpCommands_AreThereExactly()
    {
        var commands = DocsPages.Snippets.Where(s => s.File == "README.md" && s.Language == "bash")
            .SelectMany(Lines).Select(l => l.Command).ToList();

        Assert.Contains("dotnet run --project samples/CredentialKit.Samples.Console", commands);
        Assert.Contains("bash .ci/test.sh", commands);
    }

    [Fact]
    public async Task ConsoleSample_AsTheReadmeRunsIt_ServesEveryCallerAndExitsZero()
    {
        // The README's `dotnet run --project samples/CredentialKit.Samples.Console`, built with this project, for a short
        // --duration instead of its default minute: against the embedded LocalSts, no AWS account.
        var sample = Path.Combine(AppContext.BaseDirectory, "CredentialKit.Samples.Console.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { sample, "--duration", "3" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await output}\n{await errors}");
    }

    private static IEnumerable<(string Where, string Command)> Lines(MarkdownSnippet snippet)
    {
        var lines = snippet.Code.Split('\n');
        var pending = "";
        var first = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = StripComment(lines[i]).TrimEnd();
            if (pending.Length == 0)
            {
                first = i;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var command = (pending + line).Trim();
            pending = "";
            if (command.Length > 0)
            {
                yield return ($"{snippet.File}:{snippet.Line + first}", string.Join(' ', command.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
            }
        }
    }

    /// <summary>Drops a <c>#</c> comment that is not inside quotes.</summary>
    private static string StripComment(string line)
    {
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i];
            }
        }

        return line;
    }
}
