using System.Text.RegularExpressions;

namespace CredentialKit.DocsTests;

/// <summary>
/// Checks one command line of a docs page against the repository: the project, script or tool it runs exists, and every
/// option and sub-command it names is one that program reads. A command that fits no known shape is reported, so a new
/// kind of command in the docs comes with a check here.
/// </summary>
public static partial class ShellCommand
{
    /// <summary>Returns what is wrong with <paramref name="line"/>, or nothing.</summary>
    /// <param name="line">One command, comments and line continuations removed.</param>
    public static IEnumerable<string> Problems(string line)
    {
        var words = Words(line);
        if (words.Count == 0 || words[0] is "export" or "cd")
        {
            yield break;
        }

        var problems = words switch
        {
            ["dotnet", "run", ..] => DotnetRun(words),
            ["dotnet", "test" or "publish" or "build", var path, ..] => Exists(path),
            ["dotnet", "tool", "install", .., var package] => PackageProject(package),
            ["dotnet", "add", "package", var package, ..] => PackageProject(package),
            ["bash", var script, .. var rest] => Script(script, rest),
            ["localsts", .. var rest] => Options(rest, SourceOf("src/CredentialKit.LocalSts.Tool"), "the localsts tool"),
            ["aws", "sts", var operation, .. var rest] => AwsCli(operation, rest),
            ["curl", ..] => Curl(words),
            [var program, .. var rest] when program.Contains('/') && program.StartsWith("artifacts/", StringComparison.Ordinal) =>
                Published(program, rest),
            [var script, .. var rest] when script.Contains('/') => Script(script, rest),
            _ => [$"no check knows the command '{words[0]}'; add one to ShellCommand"],
        };
        foreach (var problem in problems)
        {
            yield return problem;
        }
    }

    /// <summary>Splits a command into words, dropping optional parts' brackets (<c>[--port 4787]</c>) and quotes.</summary>
    public static List<string> Words(string line) =>
        Word().Matches(line).Select(m => m.Value.Trim('[', ']', '\'', '"')).Where(w => w.Length > 0 && w != "&").ToList();

    private static IEnumerable<string> DotnetRun(List<string> words)
    {
        var separator = words.IndexOf("--");
        var own = separator < 0 ? words : words[..separator];
        var project = own.IndexOf("--project") is var p and >= 0 && p + 1 < own.Count ? own[p + 1] : null;
        if (project is null)
        {
            yield return "dotnet run without --project";
            yield break;
        }

        var csproj = ProjectFile(project);
        if (csproj is null)
        {
            yield return $"{project}: no such project";
            yield break;
        }

        var targets = Regex.Match(File.ReadAllText(csproj), "<TargetFrameworks>([^<]*)</TargetFrameworks>");
        if (targets.Success && targets.Groups[1].Value.Contains(';') && !own.Contains("-f") && !own.Contains("--framework"))
        {
            yield return $"{project} targets {targets.Groups[1].Value}: dotnet run needs -f <framework>";
        }

        if (separator >= 0)
        {
            foreach (var problem in Options(words[(separator + 1)..], SourceOf(Path.GetDirectoryName(csproj)!), project))
            {
                yield return problem;
            }
        }
    }

    /// <summary>Every <c>--option</c> and bare sub-command (not a value) must appear in the program's source.</summary>
    private static IEnumerable<string> Options(List<string> args, string source, string program, bool script = false)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var isOption = arg.StartsWith("--", StringComparison.Ordinal);
            var isVerb = i == 0 && !isOption && Regex.IsMatch(arg, "^[a-z][a-z-]*$");
            // In C# a sub-command is a string literal; in a shell script, a case pattern or a word.
            var named = isOption || script
                ? Regex.IsMatch(source, $@"(?<![\w-]){Regex.Escape(arg)}(?![\w-])")
                : source.Contains($"\"{arg}\"", StringComparison.Ordinal);
            if ((isOption || isVerb) && !named)
            {
                yield return $"{program} does not read '{arg}'";
            }
        }
    }

    private static IEnumerable<string> Script(string script, List<string> args)
    {
        var path = Path.Combine(DocsPages.Root, script);
        if (!File.Exists(path))
        {
            return [$"{script}: no such script"];
        }

        return Options(args, File.ReadAllText(path), script, script: true);
    }

    private static IEnumerable<string> Exists(string path) =>
        ProjectFile(path) is null ? [$"{path}: no such project"] : [];

    private static IEnumerable<string> PackageProject(string package) =>
        Directory.Exists(Path.Combine(DocsPages.Root, "src", package)) ? [] : [$"{package}: no such package in src/"];

    private static IEnumerable<string> AwsCli(string operation, List<string> args)
    {
        // The awscli conformance tests run the real awscli against the localsts tool; what they run is what the docs may show.
        var tests = SourceOf("tests/CredentialKit.LocalSts.Tool.Tests");
        if (!tests.Contains($"\"{operation}\"", StringComparison.Ordinal))
        {
            yield return $"aws sts {operation} is not run by the awscli conformance tests";
        }

        foreach (var option in args.Where(a => a.StartsWith("--", StringComparison.Ordinal)))
        {
            if (option is not "--endpoint-url" and not "--region" && !tests.Contains($"\"{option}\"", StringComparison.Ordinal))
            {
                yield return $"aws sts {operation} {option} is not run by the awscli conformance tests";
            }
        }
    }

    private static IEnumerable<string> Curl(List<string> words)
    {
        var url = words.FirstOrDefault(w => w.StartsWith("http://", StringComparison.Ordinal));
        var control = url is null ? -1 : url.IndexOf("/_localsts/", StringComparison.Ordinal);
        if (control < 0)
        {
            yield return "curl to something other than the LocalSts control API";
            yield break;
        }

        var route = url![(control + "/_localsts".Length)..];
        if (!SourceOf("src/CredentialKit.LocalSts/Control").Contains($"\"{route}\"", StringComparison.Ordinal))
        {
            yield return $"the LocalSts control API has no route {route}";
        }
    }

    private static IEnumerable<string> Published(string program, List<string> args)
    {
        // artifacts/<output>/<Project>: the binary `dotnet publish samples/<Project> -o artifacts/<output>` writes.
        var project = Path.GetFileName(program);
        var folder = Path.Combine(DocsPages.Root, "samples", project);
        if (!Directory.Exists(folder))
        {
            return [$"{program}: no sample project {project}"];
        }

        return Options(args, SourceOf(folder), program);
    }

    private static string? ProjectFile(string path)
    {
        var full = Path.Combine(DocsPages.Root, path);
        if (File.Exists(full) && full.EndsWith("proj", StringComparison.Ordinal))
        {
            return full;
        }

        return Directory.Exists(full) ? Directory.GetFiles(full, "*.csproj").FirstOrDefault() : null;
    }

    private static string SourceOf(string folder) =>
        string.Join('\n', Directory.GetFiles(Path.Combine(DocsPages.Root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));

    [GeneratedRegex("""'[^']*'|"[^"]*"|\S+""")]
    private static partial Regex Word();
}
