using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.SecurityToken.Model;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Refresh;

/// <summary>
/// A caller that has to wait for a session anyway (first fetch, expired, invalidated) runs the refresh on its own thread
/// instead of queuing it to the thread pool; the refresh-ahead and timer paths stay off the caller's thread. The
/// guarantees of the queued refresh hold for the inline one: single flight, a caller's token cancels only its own wait,
/// the refresh span has no parent, and a fault completes the shared refresh.
/// </summary>
public sealed class InlineRefreshTests
{
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task GetCredentialsAsync_FirstFetch_CallsStsOnTheCallersThreadBeforeReturning()
    {
        await using var provider = _fixture.Create();
        var pending = new TaskCompletionSource<AssumeRoleResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        int? stsThread = null;
        _fixture.Sts.Enqueue((_, _) =>
        {
            stsThread = Environment.CurrentManagedThreadId;
            return pending.Task;
        });
        var callerThread = Environment.CurrentManagedThreadId;

        var waiting = provider.GetCredentialsAsync();

        // No await since the call: had the refresh been queued to the thread pool, STS could not have been called yet
        // (or on another thread).
        Assert.Equal(1, _fixture.Sts.CallCount);
        Assert.Equal(callerThread, stsThread);
        Assert.False(waiting.IsCompleted);
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[0]));
        var credentials = await waiting;
        Assert.StartsWith("ASIAHUB", credentials.AccessKeyId);
    }

    [Fact]
    public async Task GetCredentialsAsync_FirstFetchFromAnStsThatAnswersAtOnce_CompletesWithoutAnyHop()
    {
        await using var provider = _fixture.Create();

        // The refresh ran inline to the end, so the caller's task is already complete.
        var fetched = Completed.Result(provider.GetCredentialsAsync());

        Assert.Same(fetched, Completed.Result(provider.GetCredentialsAsync()));
        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task GetCredentialsAsync_AfterInvalidate_RunsTheRefreshInline()
    {
        await using var provider = _fixture.Create();
        var first = await provider.GetCredentialsAsync();
        _fixture.Time.Advance(SessionCacheDefaults.InvalidateCoalescingWindow);
        provider.Invalidate();

        var fetched = Completed.Result(provider.GetCredentialsAsync());

        Assert.NotEqual(first.AccessKeyId, fetched.AccessKeyId);
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task GetCredentialsAsync_InlineRunnerAndManyWaiters_MakeOneStsCallAndShareTheSession()
    {
        await using var provider = _fixture.Create();
        var pending = _fixture.Sts.EnqueuePending();
        var inline = provider.GetCredentialsAsync().AsTask();
        Assert.Equal(1, _fixture.Sts.CallCount);

        var joined = 0;
        var waiters = Enumerable.Range(0, 200)
            .Select(_ => Task.Run(() =>
            {
                var waiting = provider.GetCredentialsAsync().AsTask();
                Interlocked.Increment(ref joined);
                return waiting;
            }))
            .ToArray();
        await Eventually.WaitAsync(() => Volatile.Read(ref joined) == waiters.Length, "every waiter joining the refresh");
        Assert.All(waiters, w => Assert.False(w.IsCompleted)); // they wait for the inline runner's STS call
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[0]));
        var results = await Task.WhenAll(waiters);

        Assert.Equal(1, _fixture.Sts.CallCount);
        Assert.All(results, r => Assert.Same(results[0], r));
        Assert.Same(results[0], await inline);
    }

    [Fact]
    public async Task GetCredentialsAsync_InlineRunnerCancelled_OthersStillGetTheSessionAndStsCallIsNotCancelled()
    {
        await using var provider = _fixture.Create();
        var pending = new TaskCompletionSource<AssumeRoleResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stsToken = CancellationToken.None;
        _fixture.Sts.Enqueue((_, ct) =>
        {
            stsToken = ct;
            return pending.Task;
        });
        using var cancel = new CancellationTokenSource();

        var inline = provider.GetCredentialsAsync(cancel.Token).AsTask();
        Assert.Equal(1, _fixture.Sts.CallCount); // this caller started the STS call itself
        var patient = Enumerable.Range(0, 20).Select(_ => provider.GetCredentialsAsync().AsTask()).ToArray();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => inline);
        Assert.False(stsToken.IsCancellationRequested, "the cancelled caller's token must not reach the shared STS call");
        Assert.All(patient, p => Assert.False(p.IsCompleted));
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[0]));
        var results = await Task.WhenAll(patient);

        Assert.All(results, r => Assert.Same(results[0], r));
        Assert.Equal(1, _fixture.Sts.CallCount);
        Assert.Same(results[0], Completed.Result(provider.GetCredentialsAsync()));
    }

    [Fact]
    public async Task GetCredentialsAsync_InsideRefreshAheadWindowWithStsNeverAnswering_ReturnsCachedAtOnceAndRefreshesOffThread()
    {
        await using var provider = _fixture.Create();
        var first = await provider.GetCredentialsAsync();
        _fixture.Time.Advance(TimeSpan.FromMinutes(46)); // inside the default 15-minute window of a 1-hour session
        var stsThread = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _fixture.Sts.Enqueue(async (_, ct) =>
        {
            stsThread.TrySetResult(Environment.CurrentManagedThreadId);
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var callerThread = Environment.CurrentManagedThreadId;

        var served = Completed.Result(provider.GetCredentialsAsync()); // a refresh-ahead caller must not wait for the refresh

        Assert.Same(first, served);
        Assert.NotEqual(callerThread, await stsThread.Task.WaitAsync(TimeSpan.FromSeconds(30))); // bound only: it comes from the pool
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task GetCredentialsAsync_CallerHasAnActivity_RefreshSpanHasNoParentAndCallersActivityIsRestored()
    {
        var roleArn = $"arn:aws:iam::111122223333:role/inline-{Guid.NewGuid():N}"; // spans are process-wide: find this test's own
        var refreshSpans = new ConcurrentQueue<Activity>();
        var stsSpans = new ConcurrentQueue<Activity>();
        using var callerSource = new ActivitySource("CredentialKit.Tests.Caller." + Guid.NewGuid().ToString("N"));
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CredentialKitTelemetry.Name || source.Name == callerSource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("credentialkit.role_arn"), roleArn))
                {
                    (activity.Kind == ActivityKind.Client ? stsSpans : refreshSpans).Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var provider = _fixture.Create(ProviderFixture.Profile(roleArn));
        var pending = _fixture.Sts.EnqueuePending();

        using var request = callerSource.StartActivity("caller request");
        Assert.NotNull(request);
        var waiting = provider.GetCredentialsAsync();
        Assert.Same(request, Activity.Current); // restored for the caller right after the inline start
        Assert.Equal(1, _fixture.Sts.CallCount); // and it did run inline
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[0]));
        await waiting;
        await ProviderFixture.WhenIdleAsync(provider);

        var refresh = Assert.Single(refreshSpans);
        Assert.Equal("CredentialKit.Refresh", refresh.OperationName);
        Assert.Null(refresh.ParentId);
        Assert.NotEqual(request.TraceId, refresh.TraceId);
        var attempt = Assert.Single(stsSpans);
        Assert.Equal(refresh.SpanId, attempt.ParentSpanId); // the attempt still nests under the refresh
        Assert.Same(request, Activity.Current);
    }

    [Fact]
    public async Task GetCredentialsAsync_StsClientThrowsSynchronously_CompletesTheRefreshWithTheErrorAndLeavesNothingInFlight()
    {
        var factory = new SynchronouslyThrowingStsClientFactory();
        var options = _fixture.CacheOptions();
        options.StsClientFactory = factory;
        await using var provider = CredentialProvider.Create(ProviderFixture.Profile(), options, "test");

        var failed = provider.GetCredentialsAsync();

        Assert.True(failed.IsFaulted, "the synchronous fault completed the shared refresh at once");
        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => failed.AsTask());
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.DoesNotContain("inflight True", ProviderFixture.SessionOf(provider).DescribeSchedule());
        await ProviderFixture.WhenIdleAsync(provider);
    }

    [Fact]
    public async Task GetCredentialsAsync_UnderASynchronizationContext_RunsTheRefreshOutsideItAndNeverPostsToIt()
    {
        await using var provider = _fixture.Create();
        var pending = new TaskCompletionSource<AssumeRoleResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var context = new CountingSynchronizationContext();
        SynchronizationContext? seenBySts = context;
        _fixture.Sts.Enqueue((_, _) =>
        {
            seenBySts = SynchronizationContext.Current;
            return pending.Task;
        });
        var previous = SynchronizationContext.Current;
        ValueTask<SessionCredentials> waiting;
        SynchronizationContext? afterwards;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            waiting = provider.GetCredentialsAsync();
            afterwards = SynchronizationContext.Current;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        Assert.Equal(1, _fixture.Sts.CallCount); // inline
        Assert.Null(seenBySts); // a UI-like context must not capture the refresh's continuations
        Assert.Same(context, afterwards); // and the caller has it back
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[0]));
        await waiting;
        Assert.Equal(0, context.Posts);
    }

    [Fact]
    public async Task GetCredentialsAsync_UnderACustomTaskScheduler_QueuesTheRefreshToTheThreadPoolInstead()
    {
        await using var provider = _fixture.Create();
        TaskScheduler? stsScheduler = null;
        _fixture.Sts.Enqueue((call, _) =>
        {
            stsScheduler = TaskScheduler.Current;
            return Task.FromResult(_fixture.Sts.Success(call));
        });
        var exclusive = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;

        var credentials = await Task.Factory.StartNew(
            () => provider.GetCredentialsAsync().AsTask(), CancellationToken.None, TaskCreationOptions.None, exclusive).Unwrap();

        // Run inline, the STS call would have run as part of the caller's task, under its scheduler.
        Assert.Same(TaskScheduler.Default, stsScheduler);
        Assert.StartsWith("ASIAHUB", credentials.AccessKeyId);
        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    private sealed class CountingSynchronizationContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            base.Post(d, state);
        }
    }

    private sealed class SynchronouslyThrowingStsClientFactory : IStsClientFactory
    {
        public Amazon.SecurityToken.IAmazonSecurityTokenService CreateClient(Amazon.Runtime.AWSCredentials credentials, StsOptions options)
        {
            var client = NSubstitute.Substitute.For<Amazon.SecurityToken.IAmazonSecurityTokenService>();
            NSubstitute.SubstituteExtensions.Returns<Task<AssumeRoleResponse>>(
                client.AssumeRoleAsync(NSubstitute.Arg.Any<AssumeRoleRequest>(), NSubstitute.Arg.Any<CancellationToken>()),
                _ => throw new InvalidOperationException("thrown synchronously, not as a faulted task"));
            return client;
        }
    }
}
