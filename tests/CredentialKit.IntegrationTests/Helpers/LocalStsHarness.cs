using Amazon.Runtime;
using Amazon.SecurityToken;

namespace CredentialKit.IntegrationTests.Helpers;

/// <summary>
/// One LocalSts on 127.0.0.1 (ephemeral port) and everything a test needs around it: the manual clock shared by the
/// emulator and the provider, a capturing logger for both, profiles signed by the demo user, and real SDK clients.
/// </summary>
/// <remarks>
/// The demo world gains a third account, 777788889999, whose role <c>warehouse</c> trusts sessions of <c>reports</c>,
/// and a role <c>short</c> in the demo account whose MaxSessionDuration is the 1-hour default.
/// </remarks>
internal sealed class LocalStsHarness : IAsyncDisposable
{
    public const string WarehouseAccountId = "777788889999";
    public const string WarehouseRoleArn = "arn:aws:iam::777788889999:role/warehouse";
    public const string ShortRoleArn = "arn:aws:iam::111122223333:role/short";
    public const string HubSessionName = "app-hub";
    public const string ReportsSessionName = "app-reports";
    public const string WarehouseSessionName = "app-warehouse";
    public const string UserArn = LocalStsDemo.UserArn;
    public const string HubSessionArn = "arn:aws:sts::111122223333:assumed-role/hub/app-hub";
    public const string ReportsSessionArn = "arn:aws:sts::444455556666:assumed-role/reports/app-reports";
    public const string WarehouseSessionArn = "arn:aws:sts::777788889999:assumed-role/warehouse/app-warehouse";
    public const string AssumeRole = "AssumeRole";

    private readonly List<IDisposable> _owned = [];

    private LocalStsHarness(ManualTimeProvider time, CapturingLoggerFactory logs, LocalStsServer server)
    {
        Time = time;
        Logs = logs;
        Server = server;
    }

    /// <summary>
    /// Gets the one clock the provider runs on and LocalSts reads; a test skews LocalSts's view of it with
    /// <see cref="LocalStsServer.ClockOffset"/>.
    /// </summary>
    public ManualTimeProvider Time { get; }

    /// <summary>Gets every log record written by the provider and by LocalSts.</summary>
    public CapturingLoggerFactory Logs { get; }

    public LocalStsServer Server { get; }

    public static async Task<LocalStsHarness> StartAsync(Action<LocalStsOptions>? configure = null)
    {
        var options = LocalStsOptions.CreateDemo();
        var demo = options.Accounts.Single(a => a.AccountId == LocalStsDemo.AccountId);
        demo.AddRole("short", LocalStsDemo.UserArn);
        options.AddAccount(WarehouseAccountId).AddRole("warehouse", LocalStsDemo.ReportsRoleArn);

        // LocalSts runs on the manual clock while the SDK signs with the machine's: no 15-minute skew check.
        options.MaxRequestSkew = null;
        configure?.Invoke(options);

        var time = new ManualTimeProvider();
        var logs = new CapturingLoggerFactory();
        var server = await LocalStsServer.StartNewAsync(options, time, logs);
        return new LocalStsHarness(time, logs, server);
    }

    public static AssumeRoleOptions Hub() => new() { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = HubSessionName };

    public static AssumeRoleOptions Reports() => new()
    {
        RoleArn = LocalStsDemo.ReportsRoleArn,
        RoleSessionName = ReportsSessionName,
        ExternalId = LocalStsDemo.ReportsExternalId,
    };

    public static AssumeRoleOptions Warehouse() => new() { RoleArn = WarehouseRoleArn, RoleSessionName = WarehouseSessionName };

    /// <summary>
    /// A profile starting from the demo user's static keys, pointed at this LocalSts, with no jitter and no retry delay
    /// (tests that exercise backoff restore a delay and drive the clock).
    /// </summary>
    public CredentialKitProfileOptions Profile(params AssumeRoleOptions[] roles)
    {
        var options = DemoProfile(Server, [.. roles.DefaultIfEmpty(Hub())]);
        options.Refresh.JitterFraction = 0;
        options.Refresh.RetryBaseDelay = TimeSpan.Zero;
        return options;
    }

    /// <summary>A profile starting from the demo user's static keys, pointed at <paramref name="server"/>, assuming <paramref name="roles"/>.</summary>
    public static CredentialKitProfileOptions DemoProfile(LocalStsServer server, params AssumeRoleOptions[] roles)
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = LocalStsDemo.AccessKeyId;
        options.Source.SecretAccessKey = LocalStsDemo.SecretAccessKey;
        options.Sts.ServiceUrl = server.Endpoint.ToString();
        options.Sts.AuthenticationRegion = "us-east-1";
        foreach (var role in roles)
        {
            options.Roles.Add(role);
        }

        return options;
    }

    /// <summary>Creates a provider over the real AWS SDK STS client (<see cref="StsClientFactory"/>), disposed with the harness.</summary>
    public ICredentialProvider CreateProvider(CredentialKitProfileOptions options, string profileName = "it")
    {
        var provider = CredentialProvider.Create(
            options,
            new SessionCacheOptions { TimeProvider = Time, LoggerFactory = Logs, Random = () => 0.0 },
            profileName);
        _owned.Add(provider);
        return provider;
    }

    /// <summary>A real SDK STS client against this LocalSts, with the SDK's own retries off so journal counts are exact.</summary>
    public AmazonSecurityTokenServiceClient CreateSdkClient(AWSCredentials credentials)
    {
        var client = new AmazonSecurityTokenServiceClient(credentials, new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = Server.Endpoint.ToString(),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });
        _owned.Add(client);
        return client;
    }

    /// <summary>Waits for the refresh of <paramref name="provider"/>'s own session (not its parents') to finish.</summary>
    public static Task WhenIdleAsync(ICredentialProvider provider) => ((ChainedCredentialProvider)provider).Session.TelemetrySink.WhenIdleAsync();

    /// <summary>The provider's log records with <paramref name="eventId"/> (LocalSts and Kestrel reuse small ids too).</summary>
    public IReadOnlyList<LogRecord> ProviderLogs(int eventId) =>
        Logs.WithEventId(eventId).Where(r => r.Category.StartsWith("CredentialKit.", StringComparison.Ordinal)
            && !r.Category.StartsWith("CredentialKit.LocalSts", StringComparison.Ordinal)).ToList();

    /// <summary>The AssumeRole requests LocalSts saw, oldest first.</summary>
    public IReadOnlyList<LocalStsJournalEntry> AssumeRoleRequests(string? roleArn = null) =>
        Server.Journal.Snapshot()
            .Where(e => e.Operation == AssumeRole && (roleArn is null || e.Parameters.GetValueOrDefault("RoleArn") == roleArn))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        await Server.DisposeAsync();
    }
}
