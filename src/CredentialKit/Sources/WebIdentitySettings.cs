using System.Collections.Immutable;

namespace CredentialKit;

/// <summary>
/// The resolved, immutable settings of a web identity source: options first, then the environment variables the AWS SDKs
/// read (<c>AWS_ROLE_ARN</c>, <c>AWS_WEB_IDENTITY_TOKEN_FILE</c>, <c>AWS_ROLE_SESSION_NAME</c>).
/// </summary>
internal sealed record WebIdentitySettings(
    string RoleArn,
    string RoleSessionName,
    string? TokenFile,
    Func<CancellationToken, ValueTask<string>>? TokenProvider,
    TimeSpan Duration,
    string? Policy,
    ImmutableArray<string> PolicyArns)
{
    /// <summary>The role ARN as configured or found in the environment, and where it came from (for messages).</summary>
    public static (string? Value, string KeyPath) ResolveRoleArn(SourceCredentialsOptions options, SourceEnvironment env) =>
        !string.IsNullOrEmpty(options.RoleArn) ? (options.RoleArn, "Source:RoleArn")
        : env.Get(SourceEnvironment.RoleArn) is { } fromEnv ? (fromEnv, SourceEnvironment.RoleArn)
        : (null, "Source:RoleArn");

    public static (string? Value, string KeyPath) ResolveTokenFile(SourceCredentialsOptions options, SourceEnvironment env) =>
        !string.IsNullOrEmpty(options.TokenFile) ? (options.TokenFile, "Source:TokenFile")
        : options.WebIdentityTokenProvider is null && env.Get(SourceEnvironment.WebIdentityTokenFile) is { } fromEnv ? (fromEnv, SourceEnvironment.WebIdentityTokenFile)
        : (null, "Source:TokenFile");

    public static (string? Value, string KeyPath) ResolveRoleSessionName(SourceCredentialsOptions options, SourceEnvironment env) =>
        !string.IsNullOrEmpty(options.RoleSessionName) ? (options.RoleSessionName, "Source:RoleSessionName")
        : env.Get(SourceEnvironment.RoleSessionName) is { } fromEnv ? (fromEnv, SourceEnvironment.RoleSessionName)
        : (null, "Source:RoleSessionName");

    public static WebIdentitySettings From(SourceCredentialsOptions options, SourceEnvironment env) => new(
        ResolveRoleArn(options, env).Value ?? throw new ArgumentException("Source:RoleArn is missing and AWS_ROLE_ARN is not set.", nameof(options)),
        ResolveRoleSessionName(options, env).Value ?? RoleSessionNames.Default,
        ResolveTokenFile(options, env).Value,
        options.WebIdentityTokenProvider,
        options.Duration ?? RefreshDefaults.SessionDuration,
        options.Policy,
        [.. options.PolicyArns]);

    /// <summary>The cache-key text: every parameter that shapes the session; the token source by path or callback identity.</summary>
    public string Describe() => new SourceKeyText("AssumeRoleWithWebIdentity")
        .Add("RoleArn", RoleArn)
        .Add("RoleSessionName", RoleSessionName)
        .Add("TokenFile", TokenFile)
        .Add("TokenProvider", TokenProvider is null ? null : CallbackIds.Of(TokenProvider))
        .Add("Duration", Duration)
        .Add("Policy", Policy)
        .AddAll("PolicyArn", PolicyArns)
        .ToString();
}
