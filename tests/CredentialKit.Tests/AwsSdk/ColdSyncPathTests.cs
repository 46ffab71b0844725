using CredentialKit.Testing;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.AwsSdk;

/// <summary>
/// The SDK's synchronous <c>GetCredentials()</c> on a cold provider blocks its thread-pool thread; while it does, the pool
/// is kept able to run the refresh (its minimum is raised per blocked caller) and is put back afterwards.
/// </summary>
[Collection(nameof(ThreadPoolSettingsCollection))]
public class ColdSyncPathTests
{
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task GetCredentials_Sync_ManyPoolThreadsOnAColdProvider_RaisesThePoolMinimumWhileBlockedAndRestoresIt()
    {
        const int Callers = 16;
        ThreadPool.GetMinThreads(out var baseline, out _);
        await using var provider = _fixture.Create();
        var credentials = provider.ToAwsCredentials();
        var pending = _fixture.Sts.EnqueuePending();

        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(credentials.GetCredentials)).ToArray();
        await Eventually.WaitAsync(() => ThreadPoolWaitBoost.Blocked == Callers, "every caller blocked in GetCredentials");
        ThreadPool.GetMinThreads(out var whileBlocked, out _);
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls.Single()));
        var results = await Task.WhenAll(callers);
        ThreadPool.GetMinThreads(out var after, out _);

        Assert.True(whileBlocked >= baseline + Callers, $"minimum {whileBlocked} while {Callers} callers blocked, baseline {baseline}");
        Assert.Equal(baseline, after);
        Assert.Equal(0, ThreadPoolWaitBoost.Blocked);
        Assert.Single(results.Select(r => r.AccessKey).Distinct());
        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task GetCredentials_Sync_ColdProviderFails_ReleasesTheBoostAndThrowsTheRefreshException()
    {
        ThreadPool.GetMinThreads(out var baseline, out _);
        await using var provider = _fixture.Create();
        var credentials = provider.ToAwsCredentials();
        var pending = _fixture.Sts.EnqueuePending();

        var caller = Task.Run(credentials.GetCredentials);
        await Eventually.WaitAsync(() => ThreadPoolWaitBoost.Blocked == 1, "the caller blocked in GetCredentials");
        pending.SetException(StsStub.Error("AccessDenied", System.Net.HttpStatusCode.Forbidden));
        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => caller);
        ThreadPool.GetMinThreads(out var after, out _);

        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.Equal(baseline, after);
        Assert.Equal(0, ThreadPoolWaitBoost.Blocked);
    }

    [Fact]
    public void GetCredentials_Sync_OnAThreadOutsideThePool_DoesNotTouchThePool()
    {
        ThreadPool.GetMinThreads(out var baseline, out _);
        using var provider = _fixture.Create();
        var credentials = provider.ToAwsCredentials();
        Amazon.Runtime.ImmutableCredentials? result = null;
        var thread = new Thread(() => result = credentials.GetCredentials());

        thread.Start();
        thread.Join();
        ThreadPool.GetMinThreads(out var after, out _);

        Assert.NotNull(result);
        Assert.Equal(baseline, after);
    }
}

/// <summary>Tests that read or change process-wide thread-pool settings run one at a time.</summary>
[CollectionDefinition(nameof(ThreadPoolSettingsCollection), DisableParallelization = true)]
public sealed class ThreadPoolSettingsCollection;
