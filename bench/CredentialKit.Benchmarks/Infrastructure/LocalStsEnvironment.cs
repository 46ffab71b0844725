using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts;

namespace CredentialKit.Benchmarks.Infrastructure;

/// <summary>
/// LocalSts on loopback plus the three ways of getting a role session that the suites compare: a CredentialKit
/// provider, the AWS SDK's own <see cref="AssumeRoleAWSCredentials"/>, and a raw STS client call.
/// </summary>
internal sealed class LocalStsEnvironment : IAsyncDisposable
{
    public const string RoleSessionName = "bench";
    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static LocalStsEnvironment? s_shared;

    private LocalStsEnvironment(LocalStsServer server) => Server = server;

    public LocalStsServer Server { get; }

    public string ServiceUrl => Server.Endpoint.ToString();

    /// <summary>
    /// The process-wide server on the system clock. <see cref="AssumeRoleAWSCredentials"/> builds its own STS client on
    /// every refresh and can only be pointed at an endpoint through <c>AWS_ENDPOINT_URL_STS</c>, so the process keeps
    /// one server, and one address in that variable, for all suites.
    /// </summary>
    public static async Task<LocalStsEnvironment> GetSharedAsync()
    {
        await SharedGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (s_shared is null)
            {
                s_shared = await StartAsync().ConfigureAwait(false);
                Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_STS", s_shared.ServiceUrl);
                Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
            }

            return s_shared;
        }
        finally
        {
            SharedGate.Release();
        }
    }

    /// <summary>Stops the process-wide server, if one was started.</summary>
    public static async Task DisposeSharedAsync()
    {
        if (s_shared is { } shared)
        {
            s_shared = null;
            await shared.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts a private server, optionally on another clock (signature skew is then not checked).</summary>
    public static async Task<LocalStsEnvironment> StartAsync(TimeProvider? clock = null)
    {
        var options = LocalStsOptions.CreateDemo();
        if (clock is not null)
        {
            // The SDK signs with the machine's clock; a server on a shifted clock must not reject that as skew.
            options.MaxRequestSkew = TimeSpan.FromDays(3650);
        }

        return new LocalStsEnvironment(await LocalStsServer.StartNewAsync(options, clock).ConfigureAwait(false));
    }

    public int AssumeRoleCalls => Server.Journal.Count("AssumeRole");

    /// <summary>A one-role profile for the demo hub role, signed with the demo user's keys, aimed at this server.</summary>
    public CredentialKitProfileOptions Profile(Action<RefreshOptions>? refresh = null)
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = LocalStsDemo.AccessKeyId;
        options.Source.SecretAccessKey = LocalStsDemo.SecretAccessKey;
        options.Roles.Add(new AssumeRoleOptions { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = RoleSessionName, Duration = TimeSpan.FromHours(1) });
        options.Sts.ServiceUrl = ServiceUrl;
        options.Sts.AuthenticationRegion = "us-east-1";
        refresh?.Invoke(options.Refresh);
        return options;
    }

    public ICredentialProvider CreateProvider(TimeProvider? clock = null, Action<RefreshOptions>? refresh = null) =>
        CredentialProvider.Create(Profile(refresh), new SessionCacheOptions { TimeProvider = clock }, "bench");

    /// <summary>The SDK's assume-role credentials for the same role; only valid against the shared server.</summary>
    public static AssumeRoleAWSCredentials CreateSdkCredentials() => new(
        new BasicAWSCredentials(LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey),
        LocalStsDemo.HubRoleArn,
        RoleSessionName,
        new AssumeRoleAWSCredentialsOptions { DurationSeconds = 3600 });

    /// <summary>A plain SDK STS client configured exactly as CredentialKit configures its own (SDK retries off).</summary>
    public IAmazonSecurityTokenService CreateRawClient()
    {
        var sts = new StsOptions { ServiceUrl = ServiceUrl, AuthenticationRegion = "us-east-1" };
        return new AmazonSecurityTokenServiceClient(
            new BasicAWSCredentials(LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey), StsClientFactory.CreateConfig(sts));
    }

    public static AssumeRoleRequest RawRequest() => new()
    {
        RoleArn = LocalStsDemo.HubRoleArn,
        RoleSessionName = RoleSessionName,
        DurationSeconds = 3600,
    };

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>The system clock shifted by an adjustable offset: lets a real-time provider and server "jump" past expiry.</summary>
internal sealed class OffsetTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Shift(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Offset;

    public override long GetTimestamp() => TimeProvider.System.GetTimestamp();

    public override long TimestampFrequency => TimeProvider.System.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        TimeProvider.System.CreateTimer(callback, state, dueTime, period);
}
