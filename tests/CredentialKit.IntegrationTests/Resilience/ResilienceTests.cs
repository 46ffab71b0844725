using CredentialKit.IntegrationTests.Helpers;
using static CredentialKit.IntegrationTests.Helpers.LocalStsHarness;

namespace CredentialKit.IntegrationTests.Resilience;

/// <summary>
/// STS failures injected by LocalSts and met by the real SDK client with its retries off: what CredentialKit's own Polly
/// pipeline retries, what it gives up on at once, and what it serves meanwhile. All waits run on the manual clock.
/// </summary>
public sealed class ResilienceTests
{
    private static readonly TimeSpan InsideRefreshWindow = TimeSpan.FromMinutes(46);

    // A real-time bound against hangs only; every wait that matters runs on the manual clock.
    private static readonly TimeSpan SafetyBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task GetCredentialsAsync_ThrottlingBurst_BacksOffOnManualClockAndSucceeds()
    {
        await using var h = await StartAsync();
        var options = h.Profile(Hub());
        options.Refresh.RetryBaseDelay = TimeSpan.FromMilliseconds(500);
        options.Refresh.AttemptTimeout = TimeSpan.FromMinutes(1);
        var provider = h.CreateProvider(options);
        h.Server.Faults.Enqueue(LocalStsFault.Throttling(), AssumeRole, count: 3);

        var credentials = await Eventually.DriveAsync(provider.GetCredentialsAsync().AsTask(), h.Time, options.Refresh.RetryMaxDelay);

        Assert.Equal(
            ["Throttling", "Throttling", "Throttling", LocalStsJournal.SuccessOutcome],
            h.AssumeRoleRequests().Select(e => e.Outcome));
        Assert.Equal(h.AssumeRoleRequests()[^1].IssuedAccessKeyId, credentials.AccessKeyId);
        Assert.Equal(3, h.ProviderLogs(7).Count);
        Assert.All(h.ProviderLogs(7), r => Assert.Equal("Throttling", r["ErrorCode"]));
    }

    [Fact]
    public async Task GetCredentialsAsync_InternalFailureThenServiceUnavailable_RetriesAndSucceeds()
    {
        await using var h = await StartAsync();
        var provider = h.CreateProvider(h.Profile(Hub()));
        h.Server.Faults.Enqueue(LocalStsFault.InternalFailure(), AssumeRole);
        h.Server.Faults.Enqueue(LocalStsFault.ServiceUnavailable(), AssumeRole);

        var credentials = await provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound);

        var requests = h.AssumeRoleRequests();
        Assert.Equal(["InternalFailure", "ServiceUnavailable", LocalStsJournal.SuccessOutcome], requests.Select(e => e.Outcome));
        Assert.Equal([500, 503, 200], requests.Select(e => e.StatusCode));
        Assert.Equal(requests[^1].IssuedAccessKeyId, credentials.AccessKeyId);
    }

    [Fact]
    public async Task GetCredentialsAsync_MoreTransientFailuresThanRetries_StopsAfterMaxRetryAttemptsPlusOne()
    {
        await using var h = await StartAsync();
        var options = h.Profile(Hub());
        options.Refresh.MaxRetryAttempts = 2;
        var provider = h.CreateProvider(options);
        h.Server.Faults.Enqueue(LocalStsFault.Throttling(), AssumeRole, count: 5);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));

        Assert.Equal("Throttling", error.ErrorCode);
        Assert.Equal(3, error.Attempts);
        Assert.True(error.IsTransient);
        Assert.Equal(LocalStsDemo.HubRoleArn, error.RoleArn);
        Assert.Equal("it", error.ProfileName);
        Assert.Equal(3, h.AssumeRoleRequests().Count);
        Assert.Equal(2, h.Server.Faults.PendingCount(AssumeRole));
    }

    [Fact]
    public async Task GetCredentialsAsync_OutageInsideRefreshWindow_ServesCachedSessionAndRecoversAfterOutage()
    {
        await using var h = await StartAsync();
        var options = h.Profile(Hub());
        options.Refresh.BackgroundRefresh = false;
        var provider = h.CreateProvider(options);
        var first = await provider.GetCredentialsAsync();

        h.Server.Faults.StartOutage();
        h.Time.Advance(InsideRefreshWindow);
        var during = await provider.GetCredentialsAsync();
        await WhenIdleAsync(provider).WaitAsync(SafetyBound);
        var afterFailure = await provider.GetCredentialsAsync();

        Assert.Same(first, during);
        Assert.Same(first, afterFailure);
        var status = provider.GetStatus();
        Assert.Equal(CredentialProviderState.ServingCachedAfterFailure, status.State);
        Assert.Equal("ServiceUnavailable", status.LastErrorCode);
        Assert.Equal(1 + options.Refresh.MaxRetryAttempts + 1, h.AssumeRoleRequests().Count);
        Assert.Single(h.ProviderLogs(5));

        // Callers did not each start a refresh: the next attempt waits for FailedRefreshRetryDelay.
        await provider.GetCredentialsAsync();
        Assert.Equal(5, h.AssumeRoleRequests().Count);

        h.Server.Faults.EndOutage();
        h.Time.Advance(options.Refresh.FailedRefreshRetryDelay);
        Assert.Same(first, await provider.GetCredentialsAsync());
        await WhenIdleAsync(provider).WaitAsync(SafetyBound);
        var recovered = await provider.GetCredentialsAsync();

        Assert.NotEqual(first.AccessKeyId, recovered.AccessKeyId);
        Assert.True(h.AssumeRoleRequests()[^1].Succeeded);
        Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
    }

    [Fact]
    public async Task GetCredentialsAsync_OutagePastExpiry_ThrowsWithStsCodeAndAttemptsThenRecovers()
    {
        await using var h = await StartAsync();
        var options = h.Profile(Hub());
        options.Refresh.BackgroundRefresh = false;
        var provider = h.CreateProvider(options);
        await provider.GetCredentialsAsync();

        h.Server.Faults.StartOutage();
        h.Time.Advance(TimeSpan.FromHours(1));
        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));

        Assert.Equal("ServiceUnavailable", error.ErrorCode);
        Assert.Equal(options.Refresh.MaxRetryAttempts + 1, error.Attempts);
        Assert.True(error.IsTransient);
        Assert.Equal(LocalStsDemo.HubRoleArn, error.RoleArn);
        Assert.Contains(LocalStsDemo.HubRoleArn, error.Message, StringComparison.Ordinal);
        Assert.Equal(CredentialProviderState.NoCredentials, provider.GetStatus().State);
        Assert.Equal(1 + options.Refresh.MaxRetryAttempts + 1, h.AssumeRoleRequests().Count);

        // A transient failure is not remembered: once STS is back the very next call succeeds.
        h.Server.Faults.EndOutage();
        h.Time.Advance(TimeSpan.FromSeconds(15)); // past the shared outage backoff, which answers the last error until it ends
        var recovered = await provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound);
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromHours(1), recovered.Expiration);
    }

    [Fact]
    public async Task GetCredentialsAsync_WrongExternalId_MakesOneRequestAndThrowsAccessDenied()
    {
        await using var h = await StartAsync();
        var reports = Reports();
        reports.ExternalId = "wrong-id";
        var provider = h.CreateProvider(h.Profile(Hub(), reports));

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));

        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.Equal(1, error.Attempts);
        Assert.False(error.IsTransient);
        Assert.Equal(LocalStsDemo.ReportsRoleArn, error.RoleArn);
        Assert.Contains(LocalStsDemo.ReportsRoleArn, error.Message, StringComparison.Ordinal);
        var denied = Assert.Single(h.AssumeRoleRequests(LocalStsDemo.ReportsRoleArn));
        Assert.Equal(403, denied.StatusCode);

        // Remembered for ErrorCacheDuration: a broken role does not cost an STS call per request.
        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));
        Assert.Single(h.AssumeRoleRequests(LocalStsDemo.ReportsRoleArn));
    }

    [Fact]
    public async Task GetCredentialsAsync_AccessDeniedAfterErrorCacheDuration_AsksStsAgain()
    {
        await using var h = await StartAsync();
        var reports = Reports();
        reports.ExternalId = "wrong-id";
        var options = h.Profile(Hub(), reports);
        var provider = h.CreateProvider(options);
        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));

        h.Time.Advance(options.Refresh.ErrorCacheDuration);
        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));

        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.Equal(2, h.AssumeRoleRequests(LocalStsDemo.ReportsRoleArn).Count);
        Assert.Single(h.AssumeRoleRequests(LocalStsDemo.HubRoleArn));
    }

    [Fact]
    public async Task GetCredentialsAsync_RoleThatDoesNotTrustCaller_MakesOneRequestAndThrowsAccessDenied()
    {
        await using var h = await StartAsync();

        // reports trusts sessions of hub only, not the demo user.
        var provider = h.CreateProvider(h.Profile(Reports()));

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));

        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.Equal(1, error.Attempts);
        Assert.Contains(LocalStsDemo.ReportsRoleArn, error.Message, StringComparison.Ordinal);
        var denied = Assert.Single(h.AssumeRoleRequests());
        Assert.Equal(UserArn, denied.CallerArn);
    }

    [Fact]
    public async Task GetCredentialsAsync_HungRequest_TimesOutOnManualClockAndRetries()
    {
        await using var h = await StartAsync();
        var options = h.Profile(Hub());
        options.Refresh.AttemptTimeout = TimeSpan.FromSeconds(2);
        var provider = h.CreateProvider(options);
        h.Server.Faults.Enqueue(LocalStsFault.Hang(), AssumeRole);

        var pending = provider.GetCredentialsAsync().AsTask();
        await Eventually.WaitAsync(() => h.Server.Faults.PendingCount(AssumeRole) == 0, "LocalSts to receive the request that hangs");
        Assert.False(pending.IsCompleted);
        h.Time.Advance(options.Refresh.AttemptTimeout);
        var credentials = await pending.WaitAsync(SafetyBound);

        // The abandoned request is journalled when LocalSts notices the client went away, possibly after the retry.
        await Eventually.WaitAsync(() => h.AssumeRoleRequests().Count == 2, "both AssumeRole requests to be journalled");
        Assert.Equal(
            ["RequestAborted", LocalStsJournal.SuccessOutcome],
            h.AssumeRoleRequests().Select(e => e.Outcome).Order(StringComparer.Ordinal));
        Assert.Equal(h.AssumeRoleRequests().Single(e => e.Succeeded).IssuedAccessKeyId, credentials.AccessKeyId);
        Assert.Equal("Timeout", Assert.Single(h.ProviderLogs(7))["ErrorCode"]);
    }

    [Fact]
    public async Task GetCredentialsAsync_FleetHittingAccountRateLimit_BacksOffUntilTheBucketRefills()
    {
        await using var h = await StartAsync();
        h.Server.Faults.SetRateLimit(new LocalStsRateLimit(RequestsPerSecond: 1, Burst: 2));
        var providers = Enumerable.Range(1, 3).Select(i =>
        {
            var hub = Hub();
            hub.RoleSessionName = $"worker-{i}";
            var options = h.Profile(hub);
            options.Refresh.RetryBaseDelay = TimeSpan.FromSeconds(1);
            options.Refresh.AttemptTimeout = TimeSpan.FromMinutes(1);
            return h.CreateProvider(options);
        }).ToList();

        var all = Task.WhenAll(providers.Select(p => p.GetCredentialsAsync().AsTask()));
        var credentials = await Eventually.DriveAsync(all, h.Time, TimeSpan.FromSeconds(10));

        Assert.Equal(3, credentials.Select(c => c.AccessKeyId).Distinct().Count());
        var outcomes = h.AssumeRoleRequests().Select(e => e.Outcome).ToList();
        Assert.Equal(3, outcomes.Count(o => o == LocalStsJournal.SuccessOutcome));
        Assert.Contains("Throttling", outcomes);
        Assert.All(outcomes, o => Assert.Contains(o, new[] { LocalStsJournal.SuccessOutcome, "Throttling" }));
    }

    [Fact]
    public async Task GetCredentialsAsync_MalformedResponse_IsRetriedAndSucceeds()
    {
        await using var h = await StartAsync();
        var provider = h.CreateProvider(h.Profile(Hub()));
        h.Server.Faults.Enqueue(LocalStsFault.MalformedResponse(), AssumeRole);

        var credentials = await provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound);

        Assert.Equal(["MalformedResponse", LocalStsJournal.SuccessOutcome], h.AssumeRoleRequests().Select(e => e.Outcome));
        Assert.Equal(h.AssumeRoleRequests()[^1].IssuedAccessKeyId, credentials.AccessKeyId);
    }

    [Fact]
    public async Task GetCredentialsAsync_ConnectionsAbortedPastExpiry_ThrowsNetworkErrorAfterAllAttempts()
    {
        await using var h = await StartAsync();
        var options = h.Profile(Hub());
        options.Refresh.MaxRetryAttempts = 2;
        var provider = h.CreateProvider(options);

        // An outage rather than single faults. The SDK's stale-connection retries (10 by default) are off too, so each
        // attempt is exactly one request at LocalSts.
        h.Server.Faults.StartOutage(LocalStsFault.AbortConnection(), AssumeRole);
        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));

        Assert.Equal("NetworkError", error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.Equal(3, error.Attempts);
        Assert.Equal(3, h.AssumeRoleRequests().Count);
        Assert.All(h.AssumeRoleRequests(), e => Assert.Equal("ConnectionAborted", e.Outcome));

        h.Server.Faults.EndOutage();
        h.Time.Advance(TimeSpan.FromSeconds(15)); // past the shared outage backoff, which answers the last error until it ends
        await provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound);
    }

    [Fact]
    public async Task Logs_ResilienceScenarioOnChain_ContainNoSecretKeyOrSessionToken()
    {
        // Every session ever issued is searched for below, so LocalSts keeps the expired ones too.
        await using var h = await StartAsync(o => o.RetainExpiredSessions = true);
        var options = h.Profile(Hub(), Reports());
        options.Refresh.BackgroundRefresh = false;
        options.Refresh.MaxRetryAttempts = 1;
        var provider = h.CreateProvider(options);
        var sts = h.CreateSdkClient(provider.ToAwsCredentials());
        var errors = new List<Exception>();

        // Retried throttling, a refresh failing inside the window, an invalidation, a failure past expiry, recovery.
        h.Server.Faults.Enqueue(LocalStsFault.Throttling(), AssumeRole);
        await provider.GetCredentialsAsync();
        await sts.GetCallerIdentityAsync(new Amazon.SecurityToken.Model.GetCallerIdentityRequest());
        h.Server.Faults.StartOutage(operation: AssumeRole);
        h.Time.Advance(InsideRefreshWindow);
        await provider.GetCredentialsAsync();
        await WhenIdleAsync(provider).WaitAsync(SafetyBound);
        provider.Invalidate();
        errors.Add(await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound)));
        h.Time.Advance(TimeSpan.FromHours(1));
        errors.Add(await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound)));
        h.Server.Faults.EndOutage();
        h.Time.Advance(TimeSpan.FromSeconds(15)); // past the shared outage backoff, which answers the last error until it ends
        await provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound);
        await sts.GetCallerIdentityAsync(new Amazon.SecurityToken.Model.GetCallerIdentityRequest());

        var secrets = h.Server.GetSessions()
            .SelectMany(s => new[] { s.SecretAccessKey, s.SessionToken })
            .Append(LocalStsDemo.SecretAccessKey)
            .ToList();
        Assert.True(secrets.Count >= 9, $"expected several issued sessions, got {secrets.Count} secrets");
        var text = h.Logs.Records
            .SelectMany(r => r.AllText())
            .Concat(errors.Select(e => e.ToString()))
            .Concat([provider.GetStatus().ToString(), (await provider.GetCredentialsAsync()).ToString()])
            .Where(t => !string.IsNullOrEmpty(t))
            .ToList();
        Assert.Contains(text, t => t!.Contains("ServiceUnavailable", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(text, t => t!.Contains(secret, StringComparison.Ordinal));
        }
    }
}
