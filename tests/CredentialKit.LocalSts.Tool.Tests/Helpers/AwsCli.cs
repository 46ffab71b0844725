using System.Text.Json;
using System.Text.RegularExpressions;

namespace CredentialKit.LocalSts.Tool.Tests.Helpers;

/// <summary>
/// Debian's awscli v2 (<c>/usr/bin/aws</c>, by absolute path: a pip awscli v1 may shadow it on PATH), run with nothing from
/// the machine: a temporary HOME, no config or credentials files, no instance metadata, one attempt, only the keys given.
/// </summary>
internal sealed partial class AwsCli
{
    public const string Command = "/usr/bin/aws";
    public const string Python = "/usr/bin/python3";
    private static readonly string Home = Directory.CreateTempSubdirectory("localsts-awscli-").FullName;

    private readonly Uri _endpoint;

    public AwsCli(Uri endpoint) => _endpoint = endpoint;

    public sealed record Keys(string AccessKeyId, string SecretAccessKey, string? SessionToken = null);

    public sealed record Outcome(int ExitCode, JsonElement? Json, string? ErrorCode, string? ErrorMessage, string Raw);

    public static Dictionary<string, string?> Environment(Keys? keys)
    {
        var env = new Dictionary<string, string?>
        {
            ["PATH"] = "/usr/bin:/bin",
            ["HOME"] = Home,
            ["LANG"] = "C.UTF-8",
            ["AWS_CONFIG_FILE"] = Path.Combine(Home, "no-config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(Home, "no-credentials"),
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_PAGER"] = string.Empty,
            ["AWS_RETRY_MODE"] = "standard",
            ["AWS_MAX_ATTEMPTS"] = "1",
            ["AWS_DEFAULT_REGION"] = "us-east-1",
        };
        if (keys is not null)
        {
            env["AWS_ACCESS_KEY_ID"] = keys.AccessKeyId;
            env["AWS_SECRET_ACCESS_KEY"] = keys.SecretAccessKey;
            if (keys.SessionToken is not null)
            {
                env["AWS_SESSION_TOKEN"] = keys.SessionToken;
            }
        }

        return env;
    }

    /// <summary>Runs <c>aws sts …</c> against the endpoint and reads the JSON result or the error line.</summary>
    public async Task<Outcome> StsAsync(Keys? keys, params string[] arguments)
    {
        string[] all = ["sts", .. arguments, "--endpoint-url", _endpoint.ToString(), "--output", "json"];
        if (keys is null)
        {
            all = [.. all, "--no-sign-request"];
        }

        var result = await ProcessRunner.RunAsync(Command, all, Environment(keys), TimeSpan.FromSeconds(60), clearEnvironment: true);
        if (result.ExitCode == 0)
        {
            return new Outcome(0, JsonDocument.Parse(result.StandardOutput).RootElement.Clone(), null, null, result.ToString());
        }

        var match = ErrorLine().Match(result.StandardError);
        return new Outcome(
            result.ExitCode, null, match.Success ? match.Groups["code"].Value : null, match.Success ? match.Groups["message"].Value.TrimEnd('\r', '\n') : null,
            result.ToString());
    }

    /// <summary>Runs a Python snippet with Debian's botocore (python3-botocore, or the copy awscli v2 vendors) for signer-level cases.</summary>
    public static Task<ProcessResult> PythonAsync(Keys keys, string script, params string[] arguments) =>
        ProcessRunner.RunAsync(Python, ["-c", script, .. arguments], Environment(keys), TimeSpan.FromSeconds(60), clearEnvironment: true);

    // awscli v2 prints service errors as "An error occurred (Code) when calling the Operation operation: Message", with
    // " (reached max retries: N)" after "operation" when a retry limit is configured.
    [GeneratedRegex(@"An error occurred \((?<code>[^)]+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: (?<message>.*)$", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();
}
