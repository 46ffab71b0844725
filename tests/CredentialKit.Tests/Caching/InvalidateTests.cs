using System.Net;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Logging;

namespace CredentialKit.Tests.Caching;

/// <summary>
/// Issue #10 item 3: invalidation must not amplify. <c>Invalidate(rejected)</c> drops only the current session;
/// plain <c>Invalidate()</c> coalesces for one second after a drop. Exact STS call counts under concurrency.
/// </summary>
public class InvalidateTests
{
    private static readonly TimeSpan Window = SessionCacheDefaults.InvalidateCoalescingWindow;

    private readonly ProviderFixture _fixture = new();

    private async Task<(ICredentialProvider Provider, SessionCredentials First)> WarmAsync()
    {
        var provider = _fixture.Create();
        var first = await provider.GetCredentialsAsync();
        _fixture.Time.Advance(TimeSpan.FromMinutes(10)); // an ordinary, aging session
        return (provider, first);
    }

    [Fact]
    public async Task Invalidate_200ConcurrentPairsWithAnInstantSts_MakeExactlyOneStsCall()
    {
        // Regression: 200 concurrent Invalidate() + GetCredentialsAsync() pairs made 4 STS calls; the README promises 1.
        var (provider, first) = await WarmAsync();
        await using var _ = provider;

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(async () =>
        {
            provider.Invalidate();
            return await provider.GetCredentialsAsync();
        })));

        Assert.Equal(2, _fixture.Sts.CallCount);
        Assert.All(results, r => Assert.NotEqual(first.AccessKeyId, r.AccessKeyId));
        Assert.Single(results.Select(r => r.AccessKeyId).Distinct());
        Assert.Single(_fixture.Logs.WithEventId(8));
        Assert.Equal(199, _fixture.Logs.WithEventId(30).Count());
    }

    [Fact]
    public async Task Invalidate_AgainWithinTheWindow_DropsNothing_AfterTheWindow_DropsOnce()
    {
        var (provider, _) = await WarmAsync();
        await using var _ = provider;
        provider.Invalidate();
        var second = await provider.GetCredentialsAsync();

        _fixture.Time.Advance(Window - TimeSpan.FromMilliseconds(1));
        provider.Invalidate();
        Assert.Same(second, await provider.GetCredentialsAsync());
        Assert.Equal(2, _fixture.Sts.CallCount);

        _fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        provider.Invalidate();
        Assert.NotSame(second, await provider.GetCredentialsAsync());
        Assert.Equal(3, _fixture.Sts.CallCount);
        var coalesced = Assert.Single(_fixture.Logs.WithEventId(30));
        Assert.Equal(LogLevel.Debug, coalesced.Level);
        Assert.Equal(InvalidationIgnored.Coalesced, coalesced["Reason"]);
    }

    [Fact]
    public async Task Invalidate_WindowCountsFromTheReplacementsIssue_WhenStsIsSlow()
    {
        var (provider, _) = await WarmAsync();
        await using var _ = provider;
        var pending = _fixture.Sts.EnqueuePending();
        provider.Invalidate();
        var waiting = provider.GetCredentialsAsync().AsTask();
        await Eventually.WaitAsync(() => _fixture.Sts.CallCount == 2, "the refresh reaching STS");

        _fixture.Time.Advance(TimeSpan.FromSeconds(3)); // STS takes longer than the window
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[1]));
        var replacement = await waiting;
        provider.Invalidate(); // a caller that saw the old session rejected reports it late

        Assert.Same(replacement, await provider.GetCredentialsAsync());
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task Invalidate_SessionIssuedByAnOrdinaryRefreshAfterALongAgoDrop_IsDropped()
    {
        var (provider, _) = await WarmAsync();
        await using var _ = provider;
        provider.Invalidate();
        await provider.GetCredentialsAsync();
        _fixture.Time.Advance(TimeSpan.FromMinutes(50)); // into the refresh-ahead window
        await provider.GetCredentialsAsync();
        await ProviderFixture.WhenIdleAsync(provider); // the refresh-ahead issued a session just now
        Assert.Equal(3, _fixture.Sts.CallCount);

        provider.Invalidate(); // not the replacement of the drop 50 minutes ago: no window

        await provider.GetCredentialsAsync();
        Assert.Equal(4, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task Invalidate_50LoopingTasksFor10Seconds_CostOneStsCallPerWindow()
    {
        // Regression: 50 tasks looping invalidate-and-get for 10 s made 6,248 AssumeRole calls (625/s, above the
        // account's 600 requests/s STS quota). The clock moves 100 ms per round.
        var (provider, _) = await WarmAsync();
        await using var _ = provider;

        for (var round = 0; round < 100; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
            {
                provider.Invalidate();
                await provider.GetCredentialsAsync();
            })));
            _fixture.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(1 + 10, _fixture.Sts.CallCount); // the warm-up, then one per second of the 10 s
    }

    [Fact]
    public async Task InvalidateRejected_200ConcurrentCallersReportingTheSameSession_MakeExactlyOneStsCall()
    {
        var (provider, first) = await WarmAsync();
        await using var _ = provider;

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(async () =>
        {
            provider.Invalidate(first);
            return await provider.GetCredentialsAsync();
        })));

        Assert.Equal(2, _fixture.Sts.CallCount);
        Assert.Single(results.Select(r => r.AccessKeyId).Distinct());
        Assert.NotEqual(first.AccessKeyId, results[0].AccessKeyId);
    }

    [Fact]
    public async Task InvalidateRejected_ReplacedSession_LongAfter_DropsNothing()
    {
        var (provider, first) = await WarmAsync();
        await using var _ = provider;
        provider.Invalidate(first);
        var second = await provider.GetCredentialsAsync();
        _fixture.Time.Advance(TimeSpan.FromMinutes(5)); // well past the window

        provider.Invalidate(first);

        Assert.Same(second, await provider.GetCredentialsAsync());
        Assert.Equal(2, _fixture.Sts.CallCount);
        Assert.Equal(InvalidationIgnored.NotCurrent, Assert.Single(_fixture.Logs.WithEventId(30))["Reason"]);
    }

    [Fact]
    public async Task InvalidateRejected_CurrentSessionAfterTheWindow_IsDropped()
    {
        var (provider, first) = await WarmAsync();
        await using var _ = provider;
        provider.Invalidate(first);
        var second = await provider.GetCredentialsAsync();
        _fixture.Time.Advance(Window);

        provider.Invalidate(second);
        var third = await provider.GetCredentialsAsync();

        Assert.NotEqual(second.AccessKeyId, third.AccessKeyId);
        Assert.Equal(3, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task InvalidateRejected_50LoopingTasksReportingWhatTheyGot_CostOneStsCallPerWindow()
    {
        var (provider, _) = await WarmAsync();
        await using var _ = provider;

        for (var round = 0; round < 100; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
            {
                var credentials = await provider.GetCredentialsAsync();
                provider.Invalidate(credentials);
                await provider.GetCredentialsAsync();
            })));
            _fixture.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(1 + 10, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task InvalidateRejected_CopyOfTheCurrentCredentials_IsRecognised()
    {
        var (provider, first) = await WarmAsync();
        await using var _ = provider;
        var copy = new SessionCredentials(first.AccessKeyId, first.SecretAccessKey, first.SessionToken, first.Expiration);

        provider.Invalidate(copy);
        await provider.GetCredentialsAsync();

        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task InvalidateRejected_WhileABackgroundRefreshIsInFlight_CallersJoinIt()
    {
        var options = ProviderFixture.Profile();
        options.Refresh.BackgroundRefresh = true;
        await using var provider = _fixture.Create(options);
        var first = await provider.GetCredentialsAsync();
        var pending = _fixture.Sts.EnqueuePending();
        _fixture.Time.Advance(TimeSpan.FromMinutes(45)); // the timer starts the refresh-ahead
        await Eventually.WaitAsync(() => _fixture.Sts.CallCount == 2, "the background refresh reaching STS");

        provider.Invalidate(first); // the service rejected the session the refresh is about to replace
        var waiting = Enumerable.Range(0, 20).Select(_ => provider.GetCredentialsAsync().AsTask()).ToArray();
        Assert.All(waiting, w => Assert.False(w.IsCompleted)); // nobody is handed the rejected session
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[1]));
        var results = await Task.WhenAll(waiting);

        Assert.Equal(2, _fixture.Sts.CallCount);
        Assert.All(results, r => Assert.NotEqual(first.AccessKeyId, r.AccessKeyId));
    }

    [Fact]
    public async Task Invalidate_CachedFailure_IsClearedOnce_ThenCoalesced()
    {
        await using var provider = _fixture.Create();
        _fixture.Sts.EnqueueError("AccessDenied", HttpStatusCode.Forbidden, times: 2);
        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        provider.Invalidate(); // clears the remembered failure: the next call asks STS again
        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());
        provider.Invalidate(); // moments later: the failure stays remembered
        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task Invalidate_BadArgumentsAndDisposal_Throw()
    {
        var (provider, first) = await WarmAsync();

        Assert.Throws<ArgumentNullException>(() => provider.Invalidate(null!));
        provider.Dispose();

        Assert.Throws<ObjectDisposedException>(provider.Invalidate);
        Assert.Throws<ObjectDisposedException>(() => provider.Invalidate(first));
    }

    [Fact]
    public async Task InvalidateRejected_ForRoleTenant_DropsOnlyTheTenantHop()
    {
        await using var provider = _fixture.Create();
        await using var tenant = provider.ForRole(new AssumeRoleOptions { RoleArn = "arn:aws:iam::123456789012:role/tenant" });
        var rejected = await tenant.GetCredentialsAsync();
        _fixture.Time.Advance(TimeSpan.FromMinutes(1));

        tenant.Invalidate(rejected);
        provider.Invalidate(rejected); // not the hub's session: nothing happens to it
        await tenant.GetCredentialsAsync();

        Assert.Equal([ProviderFixture.HubArn, "arn:aws:iam::123456789012:role/tenant", "arn:aws:iam::123456789012:role/tenant"],
            _fixture.Sts.Calls.Select(c => c.Request.RoleArn));
    }
}
