namespace CredentialKit;

/// <summary>A <c>credential_process</c> command, split into arguments once, at start-up.</summary>
/// <param name="CommandLine">The command line as configured; never shown (its arguments may carry secrets).</param>
/// <param name="Arguments">The executable and its arguments, as the AWS CLI splits them.</param>
internal sealed record CredentialProcessSettings(string CommandLine, IReadOnlyList<string> Arguments)
{
    /// <summary>Gets the executable, the only part of the command messages name.</summary>
    public string Executable => Arguments[0];

    /// <summary>Gets how logs and errors name the source: <c>credential_process(executable)</c>.</summary>
    public string Subject => $"credential_process({Executable})";

    /// <summary>Gets the process's time limit.</summary>
    public TimeSpan Timeout { get; init; } = CredentialProcessDefaults.Timeout;

    /// <summary>Gets the stdout cap in bytes.</summary>
    public int MaxOutputBytes { get; init; } = CredentialProcessDefaults.MaxOutputBytes;

    /// <summary>Splits <paramref name="commandLine"/>.</summary>
    /// <exception cref="ArgumentException">The command line is empty or cannot be split; the message says why, without quoting it (no parameter name).</exception>
    public static CredentialProcessSettings From(string? commandLine)
    {
        if (string.IsNullOrWhiteSpace(commandLine))
        {
            throw new ArgumentException("The credential_process command is empty.");
        }

        IReadOnlyList<string> arguments;
        try
        {
            arguments = CommandLineSplitter.Split(commandLine);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"The credential_process command cannot be split into arguments: {e.Message}.", e);
        }

        return arguments.Count == 0 || arguments[0].Length == 0
            ? throw new ArgumentException("The credential_process command names no executable.")
            : new CredentialProcessSettings(commandLine, arguments);
    }

    /// <summary>Describes the source for the cache key: the command line hashed, so the key never carries its arguments.</summary>
    public string Describe() => new SourceKeyText("credential_process").Add("command", CacheKeys.Hash(CommandLine)).ToString();
}
