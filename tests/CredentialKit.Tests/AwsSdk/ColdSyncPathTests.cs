using CredentialKit.Testing;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.AwsSdk;

/// <summary>
/// The SDK's synchronous <c>GetCredentials()</c> on a cold provider blocks its thread-pool thread. By default the
/// process-wide pool minimum is never touched; when the application opts in
/// (<see cref="AwsCredentialsOptions.RaiseThreadPoolMinimumWhileBlocked"/>), the pool is kept able to run the refresh
/// (its minimum is raised per blocked caller) and is put back afterwards.
/// </summary>
[Collection(nameof(ThreadPoolSettingsCollection))]
public class ColdSyncPathTests
{
    private static readonly AwsCredentialsOptions OptedIn = new() { RaiseThreadPoolMinimumWhileBlocked = true };

    private readonly ProviderFixture _fixture = new();

    [Fact]
    public void AwsCredentialsOptions_Default_DoesNotRaiseThePoolMinimum()
    {
        Assert.False(new AwsCredentialsOptions().RaiseThreadPoolMinimumWhileBlocked);
    }

    [Fact]
    public async Task GetCredentials_Sync_ManyPoolThreadsOnAColdProviderByDefault_NeverTouchesThePoolMinimum()
    {
        const int Callers = 8;
        ThreadPool.GetMinThreads(out var baseline, out var baselineIo);
        await using var provider = _fixture.Create();
        var credentials = provider.ToAwsCredentials();
        var pending = _fixture.Sts.EnqueuePending();
        var minimums = new System.Collections.Concurrent.ConcurrentBag<int>();
        using var stop = new CancellationTokenSource();
        // Samples the minimum on a thread outside the pool while the callers block, so a raise and restore in between is seen.
        var sampler = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                ThreadPool.GetMinThreads(out var workers, out _);
                minimums.Add(workers);
                stop.Token.WaitHandle.WaitOne(1);
            }
        });
        sampler.Start();

        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(credentials.GetCredentials)).ToArray();
        await Eventually.WaitAsync(() => _fixture.Sts.CallCount == 1, "the first caller started the refresh");
        await Eventually.WaitAsync(() => callers.All(c => !c.IsCompleted) && minimums.Count > Callers, "callers blocked while sampled");
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls.Single()));
        var results = await Task.WhenAll(callers);
        stop.Cancel();
        sampler.Join();
        ThreadPool.GetMinThreads(out var after, out var afterIo);

        Assert.All(minimums, workers => Assert.Equal(baseline, workers));
        Assert.Equal((baseline, baselineIo), (after, afterIo));
        Assert.Equal(0, ThreadPoolWaitBoost.Blocked);
        Assert.Single(results.Select(r => r.AccessKey).Distinct());
        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task GetCredentials_Sync_OptedInManyPoolThreadsOnAColdProvider_RaisesThePoolMinimumWhileBlockedAndRestoresIt()
    {
        const int Callers = 16;
        ThreadPool.GetMinThreads(out var baseline, out _);
        await using var provider = _fixture.Create();
        var credentials = provider.ToAwsCredentials(OptedIn);
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
    public async Task GetCredentials_Sync_OptedInColdProviderFails_ReleasesTheBoostAndThrowsTheRefreshException()
    {
        ThreadPool.GetMinThreads(out var baseline, out _);
        await using var provider = _fixture.Create();
        var credentials = provider.ToAwsCredentials(OptedIn);
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
    public void GetCredentials_Sync_OptedInOnAThreadOutsideThePool_DoesNotTouchThePool()
    {
        ThreadPool.GetMinThreads(out var baseline, out _);
        using var provider = _fixture.Create();
        var credentials = provider.ToAwsCredentials(OptedIn);
        Amazon.Runtime.ImmutableCredentials? result = null;
        var thread = new Thread(() => result = credentials.GetCredentials());

        thread.Start();
        thread.Join();
        ThreadPool.GetMinThreads(out var after, out _);

        Assert.NotNull(result);
        Assert.Equal(baseline, after);
    }

    [Fact]
    public void ToAwsCredentials_NullOptions_ThrowsNamingTheArgument()
    {
        using var provider = _fixture.Create();

        var error = Assert.Throws<ArgumentNullException>(() => provider.ToAwsCredentials(null!));

        Assert.Equal("options", error.ParamName);
    }
}

/// <summary>Tests that read or change process-wide thread-pool settings run one at a time.</summary>
[CollectionDefinition(nameof(ThreadPoolSettingsCollection), DisableParallelization = true)]
public sealed class ThreadPoolSettingsCollection;
