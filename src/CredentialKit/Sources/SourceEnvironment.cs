namespace CredentialKit;

/// <summary>
/// The environment variables a source reads, as the AWS SDKs name them. The lookup is injectable
/// (<see cref="SourceCredentialsOptions.EnvironmentVariables"/>) so tests never touch the process environment.
/// </summary>
internal sealed class SourceEnvironment(Func<string, string?> lookup)
{
    public const string RoleArn = "AWS_ROLE_ARN";
    public const string WebIdentityTokenFile = "AWS_WEB_IDENTITY_TOKEN_FILE";
    public const string RoleSessionName = "AWS_ROLE_SESSION_NAME";
    public const string ConfigFile = "AWS_CONFIG_FILE";
    public const string SharedCredentialsFile = "AWS_SHARED_CREDENTIALS_FILE";
    public const string Profile = "AWS_PROFILE";

    public static SourceEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    public static SourceEnvironment For(SourceCredentialsOptions options) =>
        options.EnvironmentVariables is { } lookup ? new SourceEnvironment(lookup) : Process;

    /// <summary>The variable's value, or <see langword="null"/> when it is unset or empty (the SDKs treat both alike).</summary>
    public string? Get(string name) => lookup(name) is { Length: > 0 } value ? value : null;

    /// <summary>The user's home directory, for <c>~/.aws/config</c>: <c>HOME</c>, then <c>USERPROFILE</c>, as the SDKs look.</summary>
    public string? HomeDirectory => Get("HOME") ?? Get("USERPROFILE")
        ?? (ReferenceEquals(this, Process) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : null);
}
