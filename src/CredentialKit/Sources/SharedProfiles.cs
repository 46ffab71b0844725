using System.Globalization;

namespace CredentialKit;

/// <summary>
/// The profiles of the shared AWS config and credentials files, read with a small INI parser, and their expansion into
/// a chain CredentialKit runs itself: long-term keys (or the default chain, or a web identity) followed by the roles of
/// the <c>source_profile</c> chain, innermost first.
/// </summary>
/// <remarks>
/// Paths follow the SDKs: <c>AWS_CONFIG_FILE</c> (default <c>~/.aws/config</c>, sections <c>[profile name]</c> and
/// <c>[default]</c>) and <c>AWS_SHARED_CREDENTIALS_FILE</c> (default <c>~/.aws/credentials</c>, sections <c>[name]</c>);
/// a key in the credentials file wins over the same key in the config file. A missing file counts as empty.
/// </remarks>
internal sealed class SharedProfiles
{
    private const string DefaultProfile = "default";

    private static readonly string[] SupportedCredentialSources = ["Environment", "Ec2InstanceMetadata", "EcsContainer"];

    private readonly Dictionary<string, Dictionary<string, string>> _profiles;
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _ssoSessions;
    private readonly SourceEnvironment _environment;

    private SharedProfiles(
        Dictionary<string, Dictionary<string, string>> profiles, Dictionary<string, IReadOnlyDictionary<string, string>> ssoSessions,
        string configPath, string credentialsPath, SourceEnvironment environment)
    {
        _profiles = profiles;
        _ssoSessions = ssoSessions;
        _environment = environment;
        ConfigPath = configPath;
        CredentialsPath = credentialsPath;
    }

    public string ConfigPath { get; }

    public string CredentialsPath { get; }

    /// <summary>Returns the merged settings of the profile <paramref name="name"/>, or <see langword="null"/> when there is none.</summary>
    internal IReadOnlyDictionary<string, string>? SettingsOf(string name) => _profiles.GetValueOrDefault(name);

    public static string ProfileNameOf(SourceCredentialsOptions options, SourceEnvironment environment) =>
        !string.IsNullOrEmpty(options.ProfileName) ? options.ProfileName : environment.Get(SourceEnvironment.Profile) ?? DefaultProfile;

    public static SharedProfiles Load(SourceEnvironment environment)
    {
        var home = environment.HomeDirectory ?? string.Empty;
        var configPath = environment.Get(SourceEnvironment.ConfigFile) ?? Path.Combine(home, ".aws", "config");
        var credentialsPath = environment.Get(SourceEnvironment.SharedCredentialsFile) ?? Path.Combine(home, ".aws", "credentials");
        var profiles = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var config = Parse(configPath);
        Merge(profiles, config, isConfigFile: true);
        Merge(profiles, Parse(credentialsPath), isConfigFile: false);
        var ssoSessions = config.Where(s => s.Key.StartsWith("sso-session ", StringComparison.Ordinal))
            .ToDictionary(s => s.Key["sso-session ".Length..].Trim(), s => (IReadOnlyDictionary<string, string>)s.Value, StringComparer.Ordinal);
        return new SharedProfiles(profiles, ssoSessions, configPath, credentialsPath, environment);
    }

    /// <summary>Expands <paramref name="name"/> into a chain.</summary>
    /// <exception cref="SharedProfileException">The profile is missing, loops, or uses a form CredentialKit does not read.</exception>
    public ProfileChain Resolve(string name, Func<CancellationToken, ValueTask<string>>? mfaTokenCodeProvider) =>
        Resolve(name, [], mfaTokenCodeProvider);

    /// <summary>Expands the SSO profile <paramref name="name"/>.</summary>
    /// <exception cref="SharedProfileException">The profile is missing, is not an SSO profile, or lacks an SSO key.</exception>
    public ProfileChain ResolveSso(string name)
    {
        if (_profiles.TryGetValue(name, out var profile) && Get(profile, "sso_session") is null && Get(profile, "sso_start_url") is null)
        {
            throw new SharedProfileException($"names profile '{name}', which is not an SSO profile (it has neither sso_session nor sso_start_url)");
        }

        return Resolve(name, mfaTokenCodeProvider: null);
    }

    /// <summary>The long-term keys of <paramref name="name"/>, for GetSessionToken and GetFederationToken.</summary>
    /// <exception cref="SharedProfileException">The profile is missing or is not a profile of long-term keys.</exception>
    public SourceCredentials ResolveLongTerm(string name)
    {
        var chain = Resolve(name, mfaTokenCodeProvider: null);
        if (chain.Roles.Count > 0 || chain.Session is not null)
        {
            throw new SharedProfileException(
                $"is '{name}', which assumes a role; GetSessionToken and GetFederationToken need the long-term keys of an IAM user");
        }

        return chain.Signer;
    }

    private ProfileChain Resolve(string name, List<string> visited, Func<CancellationToken, ValueTask<string>>? mfa)
    {
        if (visited.Contains(name, StringComparer.Ordinal))
        {
            throw new SharedProfileException(
                $"is '{visited[0]}', whose source_profile chain loops: {string.Join(" -> ", visited.Append(name))}");
        }

        if (!_profiles.TryGetValue(name, out var profile))
        {
            var where = visited.Count == 0 ? string.Empty : $" (the source_profile of '{visited[^1]}')";
            throw new SharedProfileException($"names profile '{name}'{where}, which is in neither {ConfigPath} nor {CredentialsPath}");
        }

        visited.Add(name);
        if (Get(profile, "role_arn") is not { } roleArn)
        {
            return LongTermOrSession(name, profile, visited);
        }

        var sourceProfile = Get(profile, "source_profile");
        var tokenFile = Get(profile, "web_identity_token_file");
        if (sourceProfile is null && tokenFile is not null)
        {
            // The profile's own role is the web identity session (hop 0); nothing else to assume.
            var web = new WebIdentitySettings(
                roleArn, Get(profile, "role_session_name") ?? RoleSessionNames.Default, tokenFile, TokenProvider: null,
                DurationOf(name, profile) ?? RefreshDefaults.SessionDuration, Policy: null, []);
            return new ProfileChain(SourceCredentialsFactory.Anonymous(), SourceCredentialsFactory.WebIdentity(web), [], [.. visited]);
        }

        var role = new AssumeRoleOptions
        {
            RoleArn = roleArn,
            RoleSessionName = Get(profile, "role_session_name"),
            ExternalId = Get(profile, "external_id"),
            Duration = DurationOf(name, profile),
            MfaSerialNumber = Get(profile, "mfa_serial"),
            MfaTokenCodeProvider = Get(profile, "mfa_serial") is null ? null : mfa,
        };

        ProfileChain inner;
        if (sourceProfile is not null)
        {
            // A profile naming itself as its source uses its own keys (the AWS CLI's rule), not a loop.
            inner = sourceProfile == name
                ? LongTermOrSession(name, profile, visited)
                : Resolve(sourceProfile, visited, mfa);
        }
        else if (Get(profile, "credential_source") is { } credentialSource)
        {
            if (!SupportedCredentialSources.Contains(credentialSource, StringComparer.Ordinal))
            {
                throw new SharedProfileException(
                    $"is '{visited[0]}', whose profile '{name}' has credential_source '{credentialSource}', which is not one of {string.Join(", ", SupportedCredentialSources)}");
            }

            inner = CredentialSource(name, credentialSource, visited);
        }
        else
        {
            throw new SharedProfileException(
                $"is '{visited[0]}', whose profile '{name}' sets role_arn without source_profile, credential_source or web_identity_token_file");
        }

        return inner with { Roles = [.. inner.Roles, role], Path = [.. visited] };
    }

    /// <summary>
    /// What <c>credential_source</c> names, run by CredentialKit itself: the container endpoint or instance metadata as a
    /// refreshing hop 0, or the keys of the environment variables.
    /// </summary>
    private ProfileChain CredentialSource(string name, string credentialSource, List<string> visited)
    {
        try
        {
            return credentialSource switch
            {
                "EcsContainer" => new ProfileChain(SourceCredentialsFactory.Anonymous(),
                    LocalSourceSessions.Container(ContainerCredentialsSettings.From(_environment)), [], [.. visited]),
                "Ec2InstanceMetadata" => new ProfileChain(SourceCredentialsFactory.Anonymous(),
                    LocalSourceSessions.InstanceMetadata(InstanceMetadataSettings.From(_environment)), [], [.. visited]),
                _ => new ProfileChain(EnvironmentKeys(), Session: null, [], [.. visited]),
            };
        }
        catch (ArgumentException e) when (e is not SharedProfileException)
        {
            throw new SharedProfileException($"is '{visited[0]}', whose profile '{name}' has credential_source {credentialSource}, but {e.Message.TrimEnd('.')}");
        }
    }

    private SourceCredentials EnvironmentKeys() =>
        _environment.Get("AWS_ACCESS_KEY_ID") is { } accessKeyId && _environment.Get("AWS_SECRET_ACCESS_KEY") is { } secret
            ? SourceCredentialsFactory.StaticKeys(accessKeyId, secret, _environment.Get("AWS_SESSION_TOKEN"))
            : throw new ArgumentException("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set.");

    /// <summary>The innermost profile of a chain: its long-term keys, or the session its <c>credential_process</c> issues.</summary>
    private ProfileChain LongTermOrSession(string name, Dictionary<string, string> profile, List<string> visited)
    {
        var accessKeyId = Get(profile, "aws_access_key_id");
        var secret = Get(profile, "aws_secret_access_key");
        if (accessKeyId is not null && secret is not null)
        {
            return new ProfileChain(SourceCredentialsFactory.StaticKeys(accessKeyId, secret, Get(profile, "aws_session_token")), Session: null, [], [.. visited]);
        }

        if (Get(profile, "credential_process") is { } command)
        {
            CredentialProcessSettings settings;
            try
            {
                settings = CredentialProcessSettings.From(command);
            }
            catch (ArgumentException e)
            {
                throw new SharedProfileException($"names profile '{name}', whose credential_process is unusable: {e.Message}");
            }

            return new ProfileChain(SourceCredentialsFactory.Anonymous(), LocalSourceSessions.CredentialProcess(settings), [], [.. visited]);
        }

        if (Get(profile, "sso_session") is not null || Get(profile, "sso_start_url") is not null)
        {
            SsoSettings settings;
            try
            {
                settings = SsoSettings.From(name, profile, _ssoSessions, _environment);
            }
            catch (ArgumentException e) when (e is not SharedProfileException)
            {
                throw new SharedProfileException($"names profile '{name}', an SSO profile, but {e.Message}");
            }

            return new ProfileChain(SourceCredentialsFactory.Anonymous(), LocalSourceSessions.Sso(settings), [], [.. visited]);
        }

        var unsupported = new[] { "login_session" }.FirstOrDefault(k => Get(profile, k) is not null);
        throw new SharedProfileException(unsupported is not null
            ? $"names profile '{name}', which uses {unsupported}; CredentialKit does not read it yet (docs/sources.md lists what it reads)"
            : $"names profile '{name}', which has neither aws_access_key_id with aws_secret_access_key, credential_process, sso_session, sso_start_url nor role_arn");
    }

    private static TimeSpan? DurationOf(string name, Dictionary<string, string> profile)
    {
        if (Get(profile, "duration_seconds") is not { } text)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : throw new SharedProfileException($"names profile '{name}', whose duration_seconds '{ValueText.Shorten(text)}' is not a whole number of seconds");
    }

    private static string? Get(Dictionary<string, string> profile, string key) =>
        profile.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    private static void Merge(Dictionary<string, Dictionary<string, string>> into, Dictionary<string, Dictionary<string, string>> from, bool isConfigFile)
    {
        foreach (var (section, values) in from)
        {
            string name;
            if (!isConfigFile || section == DefaultProfile)
            {
                name = section;
            }
            else if (section.StartsWith("profile ", StringComparison.Ordinal))
            {
                name = section["profile ".Length..].Trim();
            }
            else if (section.Contains(' ', StringComparison.Ordinal))
            {
                continue; // [sso-session x], [services x]: not profiles
            }
            else
            {
                name = section;
            }

            if (!into.TryGetValue(name, out var target))
            {
                into[name] = target = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            }

            foreach (var (key, value) in values)
            {
                target[key] = value;
            }
        }
    }

    /// <summary>
    /// Parses an AWS-style INI file as the AWS SDK's <c>SharedCredentialsFile</c> does: <c>[section]</c>, <c>key = value</c>
    /// (indented or not), comments after <c>#</c> or <c>;</c> at line start, the first of repeated sections.
    /// </summary>
    internal static Dictionary<string, Dictionary<string, string>> Parse(string path)
    {
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return sections;
        }

        Dictionary<string, string>? current = null;
        var nested = false;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[' && line.EndsWith(']'))
            {
                // A section repeated later in the file is ignored, as the SDK's SharedCredentialsFile reads it: the first wins.
                var section = line[1..^1].Trim();
                nested = false;
                if (sections.ContainsKey(section))
                {
                    current = null;
                }
                else
                {
                    sections[section] = current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                }

                continue;
            }

            if (current is null)
            {
                continue;
            }

            // Indented keys are read like any other, as the SDK reads them, except inside a nested block: the indented
            // lines after a key with no value (s3 =\n  max_concurrent_requests = 10) belong to that key, not the profile.
            var indented = char.IsWhiteSpace(raw[0]);
            if (nested && indented)
            {
                continue;
            }

            nested = false;
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                var value = line[(equals + 1)..].Trim();
                current[line[..equals].Trim()] = value;
                nested = value.Length == 0;
            }
        }

        return sections;
    }
}

/// <summary>A profile expanded: what signs first, an optional session-issuing hop 0, and the roles after it.</summary>
/// <param name="Signer">The long-term keys, the default chain, or anonymous for a session-issuing source.</param>
/// <param name="Session">
/// The session that starts the chain (web identity, credential_process, container, instance metadata), if the innermost
/// profile issues one.
/// </param>
/// <param name="Roles">The roles to assume in order, innermost profile first.</param>
/// <param name="Path">The profiles visited, outermost first.</param>
internal sealed record ProfileChain(SourceCredentials Signer, SourceSession? Session, IReadOnlyList<AssumeRoleOptions> Roles, IReadOnlyList<string> Path);

/// <summary>A shared-config profile CredentialKit cannot expand; the message continues <c>Source:ProfileName …</c>.</summary>
internal sealed class SharedProfileException(string problem) : ArgumentException(problem)
{
    public string Problem { get; } = problem;
}
