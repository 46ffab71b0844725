namespace CredentialKit.Tests.Helpers;

/// <summary>Builds a provider over the STS stub, the manual clock, a fixed jitter source and a capturing logger.</summary>
public sealed class ProviderFixture
{
    public const string HubArn = "arn:aws:iam::111122223333:role/hub";
    public const string ReportsArn = "arn:aws:iam::444455556666:role/reports";
    public const string BillingArn = "arn:aws:iam::444455556666:role/billing";
    public const string SourceAccessKeyId = "AKIAIOSFODNN7EXAMPLE";
    public const string SourceSecret = "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";

    public ManualTimeProvider Time { get; } = new();

    public StsStub Sts { get; }

    public CapturingLoggerFactory Logs { get; } = new();

    public double RandomValue { get; set; }

    public ProviderFixture() => Sts = new StsStub(Time);

    public static CredentialKitProfileOptions Profile(params string[] roleArns)
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = SourceAccessKeyId;
        options.Source.SecretAccessKey = SourceSecret;
        foreach (var arn in roleArns.DefaultIfEmpty(HubArn))
        {
            options.Roles.Add(new AssumeRoleOptions { RoleArn = arn, RoleSessionName = "test-session" });
        }

        options.Refresh.JitterFraction = 0;
        options.Refresh.BackgroundRefresh = false;
        options.Refresh.RetryBaseDelay = TimeSpan.Zero;
        return options;
    }

    public SessionCacheOptions CacheOptions(long sizeLimit = 1024) => new()
    {
        TimeProvider = Time,
        LoggerFactory = Logs,
        StsClientFactory = Sts,
        Random = () => RandomValue,
        SizeLimit = sizeLimit,
        // The manual clock only moves when a test moves it: pacing is off unless a test (Pacing/) turns it on.
        StsRequestsPerSecond = 0,
    };

    public ICredentialProvider Create(CredentialKitProfileOptions? options = null, string? profileName = "test") =>
        CredentialProvider.Create(options ?? Profile(), CacheOptions(), profileName);

    internal static RefreshingSession SessionOf(ICredentialProvider provider) => ((ChainedCredentialProvider)provider).Session;

    /// <summary>The sessions of <paramref name="provider"/>'s hop and of the hops before it, from it to the chain's first hop.</summary>
    internal static IReadOnlyList<RefreshingSession> ChainOf(ICredentialProvider provider) => ((ChainedCredentialProvider)provider).Chain;

    public static Task WhenIdleAsync(ICredentialProvider provider) => SessionOf(provider).TelemetrySink.WhenIdleAsync();
}
