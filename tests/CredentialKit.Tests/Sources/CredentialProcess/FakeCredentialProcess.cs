using System.Globalization;

namespace CredentialKit.Tests.Sources;

/// <summary>
/// A real executable (a POSIX shell script in a temp directory) that plays a credential process: it prints what
/// <see cref="Stdout"/> holds, writes <see cref="Stderr"/> to stderr, exits with <see cref="ExitCode"/>, and records
/// every run and its arguments, so tests count runs exactly.
/// </summary>
internal sealed class FakeCredentialProcess : IDisposable
{
    public const string AccessKeyId = "ASIAPROCESSEXAMPLE01";
    public const string Secret = "PROCESSSECRETwJalrXUtnFEMIK7MDENGbPxRfiC";
    public const string Token = "PROCESSTOKENIQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ck-process-" + Guid.NewGuid().ToString("N"));

    public FakeCredentialProcess()
    {
        Directory.CreateDirectory(_directory);
        ScriptPath = Path.Combine(_directory, "fake-process");
        File.WriteAllText(ScriptPath, """
            #!/bin/sh
            dir="$(dirname "$0")"
            echo run >> "$dir/runs"
            printf '%s\n' "$@" > "$dir/args"
            if [ -f "$dir/stderr" ]; then cat "$dir/stderr" >&2; fi
            if [ -f "$dir/sleep" ]; then sleep "$(cat "$dir/sleep")"; fi
            if [ -f "$dir/stdout" ]; then cat "$dir/stdout"; fi
            if [ -f "$dir/exit" ]; then exit "$(cat "$dir/exit")"; fi
            exit 0
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(ScriptPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string ScriptPath { get; }

    public string Stdout { set => File.WriteAllText(Path.Combine(_directory, "stdout"), value); }

    public string Stderr { set => File.WriteAllText(Path.Combine(_directory, "stderr"), value); }

    public int ExitCode { set => File.WriteAllText(Path.Combine(_directory, "exit"), value.ToString(CultureInfo.InvariantCulture)); }

    public int SleepSeconds { set => File.WriteAllText(Path.Combine(_directory, "sleep"), value.ToString(CultureInfo.InvariantCulture)); }

    public int Runs => File.Exists(Path.Combine(_directory, "runs")) ? File.ReadAllLines(Path.Combine(_directory, "runs")).Length : 0;

    public IReadOnlyList<string> LastArguments => File.ReadAllLines(Path.Combine(_directory, "args"));

    /// <summary>Prints Version 1 credentials that expire at <paramref name="expiration"/> (none: static).</summary>
    public void Succeeds(DateTimeOffset? expiration, string accessKeyId = AccessKeyId)
    {
        var expires = expiration is { } e ? $", \"Expiration\": \"{e.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\"" : string.Empty;
        Stdout = $$"""{"Version": 1, "AccessKeyId": "{{accessKeyId}}", "SecretAccessKey": "{{Secret}}", "SessionToken": "{{Token}}"{{expires}}}""";
        ExitCode = 0;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    public static bool IsPosix => !OperatingSystem.IsWindows();
}
