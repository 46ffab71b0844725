using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Sources;

/// <summary>Profiles for the session-producing sources over the STS stub, with an injected environment and temp files.</summary>
internal sealed class SourceFixture : IDisposable
{
    public const string WebRoleArn = "arn:aws:iam::111122223333:role/web";
    public const string SamlRoleArn = "arn:aws:iam::111122223333:role/sso";
    public const string SamlProviderArn = "arn:aws:iam::111122223333:saml-provider/demo-idp";
    public const string MfaSerial = "arn:aws:iam::111122223333:mfa/demo";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ck-sources-" + Guid.NewGuid().ToString("N"));

    public SourceFixture() => Directory.CreateDirectory(_directory);

    public ProviderFixture Provider { get; } = new();

    public Dictionary<string, string> Environment { get; } = [];

    public string TokenFile => Path.Combine(_directory, "token");

    public string PathOf(string name) => Path.Combine(_directory, name);

    public CredentialKitProfileOptions Options(SourceCredentialsType type, params string[] roleArns)
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = type;
        options.Source.EnvironmentVariables = name => Environment.GetValueOrDefault(name);
        foreach (var arn in roleArns)
        {
            options.Roles.Add(new AssumeRoleOptions { RoleArn = arn, RoleSessionName = "test-session" });
        }

        options.Refresh.JitterFraction = 0;
        options.Refresh.BackgroundRefresh = false;
        options.Refresh.RetryBaseDelay = TimeSpan.Zero;
        return options;
    }

    public CredentialKitProfileOptions WebIdentity(params string[] roleArns)
    {
        var options = Options(SourceCredentialsType.WebIdentity, roleArns);
        options.Source.RoleArn = WebRoleArn;
        options.Source.RoleSessionName = "web-session";
        options.Source.TokenFile = TokenFile;
        File.WriteAllText(TokenFile, "token-one\n");
        return options;
    }

    public CredentialKitProfileOptions SessionToken(params string[] roleArns)
    {
        var options = Options(SourceCredentialsType.SessionToken, roleArns);
        options.Source.AccessKeyId = ProviderFixture.SourceAccessKeyId;
        options.Source.SecretAccessKey = ProviderFixture.SourceSecret;
        return options;
    }

    public ICredentialProvider Create(CredentialKitProfileOptions options) => Provider.Create(options);

    /// <summary>
    /// Starts <paramref name="count"/> providers, each with its own cache, on a cold source at once; runs
    /// <paramref name="whileWaiting"/> while they wait (to release a held answer), and returns what each got.
    /// </summary>
    public async Task<SessionCredentials[]> ConcurrentColdProvidersAsync(int count, Func<CredentialKitProfileOptions> options, Func<Task> whileWaiting)
    {
        var providers = Enumerable.Range(0, count).Select(_ => Create(options())).ToList();
        try
        {
            var pending = providers.Select(p => p.GetCredentialsAsync().AsTask()).ToList();
            await whileWaiting();
            return await Task.WhenAll(pending);
        }
        finally
        {
            foreach (var provider in providers)
            {
                await provider.DisposeAsync();
            }
        }
    }

    /// <summary>Moves the clock past the point where a one-hour session is usable, so the next call waits for a refresh.</summary>
    public void PastUsable(TimeSpan? lifetime = null) =>
        Provider.Time.Advance((lifetime ?? TimeSpan.FromHours(1)) - TimeSpan.FromSeconds(30));

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
}
