using System.Text.Json;
using CredentialKit.IntegrationTests.Helpers;
using Microsoft.Extensions.Options;
using static CredentialKit.IntegrationTests.Helpers.LocalStsHarness;

namespace CredentialKit.IntegrationTests.Sources;

/// <summary>
/// SSO profiles (sso_session and the legacy sso_start_url form) over the AWS SDK's own SSO and SSO OIDC clients against
/// LocalSts's SSO portal and OIDC endpoints, with the AWS CLI's token cache in a temporary home directory.
/// </summary>
public sealed partial class SsoSourceTests : IDisposable
{
    private const string StartUrl = "https://corp.awsapps.com/start";
    private readonly string _home = Path.Combine(Path.GetTempPath(), "ck-it-sso-" + Guid.NewGuid().ToString("N"));

    public SsoSourceTests()
    {
        Directory.CreateDirectory(Path.Combine(_home, ".aws", "sso", "cache"));
        File.WriteAllText(Path.Combine(_home, ".aws", "config"), $"""
            [profile dev]
            sso_session = corp
            sso_account_id = {LocalStsDemo.AccountId}
            sso_role_name = hub

            [sso-session corp]
            sso_start_url = {StartUrl}
            sso_region = us-east-1
            sso_registration_scopes = sso:account:access

            [profile legacy]
            sso_start_url = {StartUrl}
            sso_region = us-east-1
            sso_account_id = {LocalStsDemo.AccountId}
            sso_role_name = hub

            [profile reports]
            role_arn = {LocalStsDemo.ReportsRoleArn}
            source_profile = dev
            external_id = {LocalStsDemo.ReportsExternalId}
            role_session_name = {ReportsSessionName}

            [profile nosession]
            sso_session = missing
            sso_account_id = {LocalStsDemo.AccountId}
            sso_role_name = hub
            """);
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private string CachePath(string key) => SsoCacheFile.PathOf(_home, key);

    /// <summary>Plays <c>aws sso login</c>: a token from LocalSts, written where the CLI writes it.</summary>
    private LocalStsSsoToken Login(LocalStsHarness h, string cacheKey, TimeSpan lifetime)
    {
        var token = h.Server.CredentialEndpoints.IssueSsoToken(lifetime);
        SsoCacheFile.Write(_home, cacheKey, StartUrl, token);
        return token;
    }

    private CredentialKitProfileOptions Options(LocalStsHarness h, string profile, string? portalUrl = null)
    {
        var options = h.Profile();
        options.Roles.Clear();
        options.Source.Type = SourceCredentialsType.Profile;
        options.Source.AccessKeyId = null;
        options.Source.SecretAccessKey = null;
        options.Source.ProfileName = profile;
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = _home,
            ["AWS_ENDPOINT_URL_SSO"] = portalUrl ?? h.Server.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_SSO_OIDC"] = h.Server.Endpoint.ToString(),
        };
        options.Source.EnvironmentVariables = name => environment.GetValueOrDefault(name);
        return options;
    }

    private static readonly TimeSpan SafetyBound = TimeSpan.FromSeconds(30);

    private static int Count(LocalStsHarness h, string operation) => h.Server.Journal.Snapshot().Count(e => e.Operation == operation && e.Succeeded);

    [Fact]
    public async Task SsoSession_ThenRoleChain_ChainsOverTheRealSdkClients()
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, "corp", TimeSpan.FromHours(8));
        var provider = h.CreateProvider(Options(h, "reports"));

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal(ReportsSessionArn, credentials.AssumedRoleArn);
        Assert.Equal(1, Count(h, LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation));
        Assert.Equal(0, Count(h, LocalStsCredentialEndpoints.SsoCreateTokenOperation));
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/hub/sso-user", Assert.Single(h.AssumeRoleRequests()).CallerArn);
    }

    [Fact]
    public async Task SourceTypeDefault_WithAwsProfileNamingTheSsoChain_ChainsTheSame()
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, "corp", TimeSpan.FromHours(8));
        var options = Options(h, "reports");
        options.Source.Type = SourceCredentialsType.Default;
        options.Source.ProfileName = null;
        var environment = options.Source.EnvironmentVariables!;
        options.Source.EnvironmentVariables = name => name == "AWS_PROFILE" ? "reports" : environment(name);
        var provider = h.CreateProvider(options);

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal(ReportsSessionArn, credentials.AssumedRoleArn);
        Assert.Equal(1, Count(h, LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation));
    }

    [Fact]
    public async Task TokenNearItsEnd_IsRefreshedThroughCreateToken_AndTheCacheIsWrittenBack()
    {
        await using var h = await LocalStsHarness.StartAsync();
        var login = Login(h, "corp", TimeSpan.FromMinutes(5));
        var provider = h.CreateProvider(Options(h, "dev"));

        await provider.GetCredentialsAsync();

        Assert.Equal(1, Count(h, LocalStsCredentialEndpoints.SsoCreateTokenOperation));
        using var cache = JsonDocument.Parse(File.ReadAllText(CachePath("corp")));
        var root = cache.RootElement;
        Assert.NotEqual(login.AccessToken, root.GetProperty("accessToken").GetString());
        Assert.NotEqual(login.RefreshToken, root.GetProperty("refreshToken").GetString());
        Assert.Equal(StartUrl, root.GetProperty("startUrl").GetString());
        Assert.Equal(login.ClientId, root.GetProperty("clientId").GetString());
        Assert.True(DateTimeOffset.Parse(root.GetProperty("expiresAt").GetString()!) > h.Time.GetUtcNow().AddMinutes(50));
        foreach (var text in h.ProviderLogs(60).SelectMany(r => r.AllText()))
        {
            Assert.DoesNotContain(login.AccessToken, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RoleCredentials_AreRefreshedAheadOfTheirExpiry_WithTheCachedToken()
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, "corp", TimeSpan.FromHours(12));
        var options = Options(h, "dev");
        options.Refresh.BackgroundRefresh = false;
        var provider = h.CreateProvider(options);
        var first = await provider.GetCredentialsAsync();

        h.Time.Advance(TimeSpan.FromHours(6) - TimeSpan.FromSeconds(30)); // role sessions last 6 h here
        var second = await provider.GetCredentialsAsync();

        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        Assert.Equal(2, Count(h, LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation));
    }

    [Theory]
    [InlineData(LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation, 12 * 60)]
    [InlineData(LocalStsCredentialEndpoints.SsoCreateTokenOperation, 5)] // a token near its end is refreshed first
    public async Task CallerCancelsWhileTheSsoRequestIsInFlight_GetsCancellation_AndTheSharedFetchServesTheOthers(string operation, int tokenMinutes)
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, "corp", TimeSpan.FromMinutes(tokenMinutes));
        var delay = TimeSpan.FromSeconds(2); // under the attempt timeout: the one request answers on the manual clock
        h.Server.Faults.Enqueue(LocalStsFault.DelayThenRespond(delay), operation);
        var provider = h.CreateProvider(Options(h, "dev"));
        var otherProvider = h.CreateProvider(Options(h, "dev"));
        using var cancel = new CancellationTokenSource();

        var cancelled = provider.GetCredentialsAsync(cancel.Token).AsTask();
        await Eventually.WaitAsync(() => h.Server.Faults.PendingCount(operation) == 0, "LocalSts to hold the request");
        var sameProvider = provider.GetCredentialsAsync().AsTask(); // joins the refresh the cancelled caller began
        var otherCaches = otherProvider.GetCredentialsAsync().AsTask(); // joins the process-wide request
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(SafetyBound));
        Assert.False(sameProvider.IsCompleted);
        h.Time.Advance(delay);
        var served = await sameProvider.WaitAsync(SafetyBound);

        Assert.Equal(served.AccessKeyId, (await otherCaches.WaitAsync(SafetyBound)).AccessKeyId);
        var portal = Assert.Single(h.Server.Journal.Snapshot(), e => e.Operation == LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation);
        Assert.True(portal.Succeeded);
        Assert.Equal(portal.IssuedAccessKeyId, served.AccessKeyId);
        Assert.Same(served, await provider.GetCredentialsAsync()); // the cancelled caller's next call: no new request
        Assert.Single(h.Server.Journal.Snapshot(), e => e.Operation == LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation);
        Assert.Equal(tokenMinutes < 60 ? 1 : 0, h.Server.Journal.Snapshot().Count(e => e.Operation == LocalStsCredentialEndpoints.SsoCreateTokenOperation));
    }

    [Fact]
    public async Task AlreadyCancelledCaller_StartsNothing()
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, "corp", TimeSpan.FromMinutes(5)); // near its end: a fetch would call CreateToken, then GetRoleCredentials
        var provider = h.CreateProvider(Options(h, "dev"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.GetCredentialsAsync(new CancellationToken(canceled: true)).AsTask());
        await WhenIdleAsync(provider);

        Assert.DoesNotContain(h.Server.Journal.Snapshot(), e => e.Operation.StartsWith("Sso", StringComparison.Ordinal));
        Assert.Equal(0, provider.GetStatus().RefreshCount);
    }

    [Fact]
    public async Task RoleSession_IsRefreshedInTheBackgroundAheadOfThePortalExpiration()
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, "corp", TimeSpan.FromHours(12));
        var provider = h.CreateProvider(Options(h, "dev"));
        var first = await provider.GetCredentialsAsync();
        Assert.Equal(first.Expiration, h.Time.GetUtcNow().AddHours(6)); // the portal's expiration: role sessions last 6 h here

        h.Time.Advance(TimeSpan.FromHours(3)); // half its life: never refreshed this early
        await WhenIdleAsync(provider);
        Assert.Equal(1, Count(h, LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation));

        h.Time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(55)); // 5 min before the portal's expiration, nobody asking
        await Eventually.WaitAsync(() => Count(h, LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation) == 2, "the background refresh");
        await WhenIdleAsync(provider);

        Assert.True(h.Time.GetUtcNow() < first.Expiration);
        Assert.True(provider.GetStatus().Expiration > first.Expiration);
        Assert.NotEqual(first.AccessKeyId, (await provider.GetCredentialsAsync()).AccessKeyId);
        Assert.Equal(2, Count(h, LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation));
    }

    [Fact]
    public async Task PortalOutageWhileHeld_ServesTheHeldSession_AndRetriesBackOffOverSimulatedMinutes()
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, "corp", TimeSpan.FromHours(12));
        var provider = h.CreateProvider(Options(h, "dev"));
        var held = await provider.GetCredentialsAsync();
        h.Server.Faults.StartOutage(LocalStsFault.ServiceUnavailable(), LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation);
        h.Time.Advance(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(10)); // inside the refresh window

        var failedRefreshes = new List<int>();
        for (var second = 0; second < 20 * 60; second += 5)
        {
            Assert.Same(held, await provider.GetCredentialsAsync());
            await WhenIdleAsync(provider);
            failedRefreshes.Add(Failed(h));
            h.Time.Advance(TimeSpan.FromSeconds(5));
        }

        var perRefresh = failedRefreshes.First(n => n > 0); // the attempts of one refresh
        Assert.All(failedRefreshes, n => Assert.Equal(0, n % perRefresh));
        var startedAt = Enumerable.Range(1, failedRefreshes.Count - 1).Where(i => failedRefreshes[i] > failedRefreshes[i - 1]).Prepend(0).ToList();
        var gaps = startedAt.Zip(startedAt.Skip(1), (a, b) => b - a).ToList();
        // FailedRefreshRetryDelay 30 s, doubling: about 0, 30, 90, 210, 450, 930 s into 20 min. A fixed 30 s would give 40.
        Assert.InRange(failedRefreshes[^1] / perRefresh, 3, 9);
        Assert.True(gaps[^1] > 4 * gaps[0], $"retry gaps (in 5 s steps) should grow: {string.Join(", ", gaps)}");
        Assert.Equal(CredentialProviderState.ServingCachedAfterFailure, provider.GetStatus().State);

        h.Server.Faults.EndOutage(LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation);
        h.Time.Advance(TimeSpan.FromMinutes(20)); // past any backoff, still before the held session's end
        await Eventually.WaitAsync(() => Count(h, LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation) == 2, "the refresh after the outage");
        await WhenIdleAsync(provider);
        Assert.NotEqual(held.AccessKeyId, (await provider.GetCredentialsAsync()).AccessKeyId);

        static int Failed(LocalStsHarness h) =>
            h.Server.Journal.Snapshot().Count(e => e.Operation == LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation && !e.Succeeded);
    }

    [Fact]
    public async Task LegacyForm_ExpiredToken_SaysRunAwsSsoLogin()
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, StartUrl, TimeSpan.FromMinutes(10));
        h.Time.Advance(TimeSpan.FromMinutes(11));
        var provider = h.CreateProvider(Options(h, "legacy"));

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("SsoLoginRequired", error.ErrorCode);
        Assert.Contains("run aws sso login --profile legacy", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Count(h, LocalStsCredentialEndpoints.SsoCreateTokenOperation));
    }

    [Fact]
    public async Task NoCachedToken_SaysRunAwsSsoLogin()
    {
        await using var h = await LocalStsHarness.StartAsync();
        var provider = h.CreateProvider(Options(h, "reports"));

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Contains("profile 'dev' has no cached token", error.Message, StringComparison.Ordinal);
        Assert.Contains("run aws sso login --profile dev", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredTokenWhoseRefreshIsRefused_SaysRunAwsSsoLogin()
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, "corp", TimeSpan.FromMinutes(10));
        var cache = File.ReadAllText(CachePath("corp"));
        using (var document = JsonDocument.Parse(cache))
        {
            File.WriteAllText(CachePath("corp"), cache.Replace(document.RootElement.GetProperty("refreshToken").GetString()!, "revoked", StringComparison.Ordinal));
        }

        h.Time.Advance(TimeSpan.FromMinutes(11));
        var provider = h.CreateProvider(Options(h, "dev"));

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("SsoLoginRequired", error.ErrorCode);
        Assert.Contains("refused", error.Message, StringComparison.Ordinal);
        Assert.Contains("run aws sso login --profile dev", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourceTypeSso_ServesTheSsoRoleSession()
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, "corp", TimeSpan.FromHours(8));
        var options = Options(h, "dev");
        options.Source.Type = SourceCredentialsType.Sso;
        var provider = h.CreateProvider(options);

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal(credentials.AccessKeyId, Assert.Single(h.Server.Journal.Snapshot(), e => e.Operation == LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation).IssuedAccessKeyId);
    }

    [Fact]
    public async Task SourceTypeSso_ProfileThatIsNotSso_FailsAtStart()
    {
        await using var h = await LocalStsHarness.StartAsync();
        var options = Options(h, "reports");
        options.Source.Type = SourceCredentialsType.Sso;

        var error = Assert.Throws<OptionsValidationException>(() => h.CreateProvider(options));

        Assert.Contains("'reports', which is not an SSO profile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSsoSessionSection_FailsAtStartNamingIt()
    {
        await using var h = await LocalStsHarness.StartAsync();

        var error = Assert.Throws<OptionsValidationException>(() => h.CreateProvider(Options(h, "nosession")));

        Assert.Contains("[sso-session missing]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LaptopSleep_ClockJumpsPastTheRoleSessionsExpiry_NeverServesTheExpiredSession()
    {
        await using var h = await LocalStsHarness.StartAsync();
        Login(h, "corp", TimeSpan.FromHours(48));
        var provider = h.CreateProvider(Options(h, "reports")); // SSO, then a role chained from it
        var before = await provider.GetCredentialsAsync();

        h.Time.Advance(TimeSpan.FromHours(30)); // the lid closed overnight: every timer is late, both sessions long expired
        var after = await provider.GetCredentialsAsync();

        Assert.NotEqual(before.AccessKeyId, after.AccessKeyId);
        Assert.True(after.Expiration > h.Time.GetUtcNow());
        Assert.Equal(2, Count(h, LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation));
        Assert.Equal(ReportsSessionArn, after.AssumedRoleArn);
    }
}
