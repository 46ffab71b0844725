using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// One cached, self-refreshing STS session: the engine behind every provider and every hop of a chain.
/// </summary>
/// <remarks>
/// The hot path reads one immutable <see cref="SessionSnapshot"/> through a volatile field and compares two instants:
/// no lock, no allocation. Only the refresh path synchronises, and it never holds the lock across the STS call: the
/// first caller (or the timer) installs a <see cref="TaskCompletionSource{TResult}"/> that everyone else awaits, so
/// one STS call serves every waiter (single-flight).
/// </remarks>
internal sealed class RefreshingSession : IDisposable
{
    private readonly ISessionFetcher _fetcher;
    private readonly RefreshSettings _settings;
    private readonly RefreshSchedule _schedule;
    private readonly CredentialKitContext _context; // the cache's clock, logger factory, telemetry: one field, not four

    // The in-flight refresh's cancellation, which Dispose cancels; none while no refresh runs. Per refresh rather than one
    // for the session's lifetime: a source that has had registrations (the SDK's HTTP call, Polly's timeout) keeps about
    // 150 B of them, which a warm idle tenant would otherwise carry. Never disposed: it has no timer and no wait handle.
    private CancellationTokenSource? _refreshCancellation;
    private readonly object _gate = new();

    private volatile SessionSnapshot? _snapshot;
    private volatile FailureRecord? _failure;
    private volatile bool _disposed;
    private volatile bool _evicted;
    private TaskCompletionSource<SessionCredentials>? _inflight;
    private ITimer? _timer;
    private Deadline? _retryAt;
    private int _consecutiveFailures;
    private int _handles;
    private int _deferredTimerCallbacks;
    private int _settlingRefreshes; // refreshes that left _inflight but have not yet logged and completed their task
    private long _refreshCount;
    private string? _lastErrorCode;
    private long _issuedTimestamp;
    private long? _lastDropTimestamp;
    private long _refreshCountAtDrop;

    /// <summary>This session's slot in the telemetry's gauge table while it is held, else -1 (see <see cref="GaugeSlots"/>).</summary>
    internal int GaugeSlot = -1;

    public RefreshingSession(
        ISessionFetcher fetcher,
        RefreshSettings settings,
        CredentialKitContext context,
        string? profileName)
    {
        _fetcher = fetcher;
        _settings = settings;
        _schedule = context.ScheduleFor(settings, fetcher);
        _context = context;
        ProfileName = profileName;
    }

    public TimeProvider TimeProvider => _context.TimeProvider;

    public string? ProfileName { get; }

    private ILogger Logger => _context.SessionLogger;

    private CredentialKitTelemetry Telemetry => _context.Telemetry;

    public string RoleArn => _fetcher.RoleArn;

    /// <summary>Describes the current plan (instants on the local clock), for test failure messages; no secret.</summary>
    internal string DescribeSchedule()
    {
        lock (_gate)
        {
            var snapshot = _snapshot;
            return $"now {ClockReading.Now(TimeProvider)}, refreshAt {snapshot?.RefreshAt}, usableUntil {snapshot?.UsableUntil}, " +
                $"expiresAt {snapshot?.ExpiresAt}, skew {snapshot?.Skew}, inflight {_inflight is not null}, handles {_handles}, " +
                $"retryAt {_retryAt:O}, failures {_consecutiveFailures}, refreshes {_refreshCount}, timer {_timer is not null}";
        }
    }

    /// <summary>Gets the hop whose session signs this session's STS calls, if any (tests walk chains with it).</summary>
    internal ChainedCredentialProvider? Parent => _fetcher.Parent;

    /// <summary>Gets the credentials currently held (possibly no longer usable), for status and gauges.</summary>
    public SessionCredentials? CurrentCredentials => _snapshot?.Credentials;

    /// <summary>Gets the current snapshot, for the gauge table.</summary>
    internal SessionSnapshot? Snapshot => _snapshot;

    /// <summary>Gets whether the gauges report this session on its own series (tagged with its role ARN).</summary>
    public bool PerRoleMetrics => _context.PerRoleMetrics;

    /// <summary>Gets whether the session cache retired this session (it is disposed, or about to be); handles then resolve a new one.</summary>
    public bool IsEvicted => _evicted;

    public bool IsDisposed => _disposed;

    /// <summary>Gets whether a refresh is in flight; for tests.</summary>
    internal bool IsRefreshing => Volatile.Read(ref _inflight) is not null;

    /// <summary>Gets the number of handles (users' providers, or active child hops) holding this session.</summary>
    public int HandleCount => Volatile.Read(ref _handles);

    /// <summary>
    /// Gets whether the session may leave the cache: it was disposed, or nobody holds it and its credentials expired.
    /// </summary>
    public bool CanLeaveCache =>
        _disposed || (Volatile.Read(ref _handles) == 0 && _snapshot is { } snapshot && snapshot.ExpiresAt.IsReachedAt(ClockReading.Now(TimeProvider)));

    /// <summary>The hop this session was created for; set by the <see cref="SessionCache"/> that keeps it.</summary>
    internal HopDefinition? Hop { get; set; }

    /// <summary>Which idle-pool entry of the cache is this session's current one; read and written under the cache's lock.</summary>
    internal long PoolGeneration { get; set; }

    /// <summary>Whether the session has an entry in the cache's idle pool; read and written under the cache's lock.</summary>
    internal bool IsPooled { get; set; }

    public ValueTask<SessionCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        if (_disposed)
        {
            return ValueTask.FromException<SessionCredentials>(new ObjectDisposedException(nameof(ICredentialProvider)));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            // A caller that already gave up gets its cancellation and starts nothing, not even a background refresh.
            return ValueTask.FromCanceled<SessionCredentials>(cancellationToken);
        }

        var snapshot = _snapshot;
        if (snapshot is not null)
        {
            // Both clocks, so neither a wall clock stepped back nor a suspend stretches the session (see Deadline);
            // after a jump, the plan is made again on the more pessimistic of them (the only step that locks).
            var now = ClockReading.Now(TimeProvider);
            if (snapshot.ClocksJumpedAt(now, out _))
            {
                snapshot = Rebase(now);
            }

            if (snapshot is not null && !snapshot.RefreshAt.IsReachedAt(now))
            {
                return new ValueTask<SessionCredentials>(snapshot.Credentials);
            }

            if (snapshot is not null && !snapshot.UsableUntil.IsReachedAt(now))
            {
                // Inside the refresh-ahead window: hand out the current session and let one refresh run behind it.
                // The unlocked read only skips the lock while a refresh is already running; StartRefresh re-checks.
                if (Volatile.Read(ref _inflight) is null)
                {
                    _ = StartRefresh(RefreshTrigger.RefreshAhead);
                }
                return new ValueTask<SessionCredentials>(snapshot.Credentials);
            }
        }

        return WaitForRefreshAsync(snapshot is null ? RefreshTrigger.Initial : RefreshTrigger.Expiring, cancellationToken);
    }

    /// <summary>
    /// Drops the current session so the next call fetches a new one; coalesced with the invalidation before it (see
    /// <see cref="Invalidate(SessionCredentials?)"/>).
    /// </summary>
    public void Invalidate() => Invalidate(rejected: null);

    /// <summary>
    /// Drops the current session, only if it is <paramref name="rejected"/> when that is given. Invalidations coalesce:
    /// for <see cref="SessionCacheDefaults.InvalidateCoalescingWindow"/> after one drops a session (counted from the drop,
    /// or from the issue of the replacement when that came later) another drops nothing. So callers that saw the same
    /// rejection together share one new session, and invalidation costs at most one STS call per window, whatever callers do.
    /// </summary>
    public void Invalidate(SessionCredentials? rejected)
    {
        InvalidationIgnored? ignored = null;
        lock (_gate)
        {
            var snapshot = _snapshot;
            // The window runs from the last drop, or from the issue of the session that replaced it when that came later
            // (a slow STS); a session issued since by an ordinary refresh is not a replacement and opens no window.
            var coalescing = _lastDropTimestamp is { } dropped
                && TimeProvider.GetElapsedTime(_refreshCount == _refreshCountAtDrop + 1 ? Math.Max(dropped, _issuedTimestamp) : dropped)
                    < SessionCacheDefaults.InvalidateCoalescingWindow;
            if (rejected is not null && (snapshot is null || !IsSameSession(snapshot.Credentials, rejected)))
            {
                ignored = InvalidationIgnored.NotCurrent;
            }
            else if (snapshot is null && _failure is null)
            {
                // Nothing held: a refresh is in flight (callers join it) or the next call starts one.
                ignored = InvalidationIgnored.NothingToDrop;
            }
            else if (coalescing)
            {
                ignored = InvalidationIgnored.Coalesced;
            }
            else
            {
                _snapshot = null;
                Telemetry.Update(this, null);
                _failure = null;
                _lastDropTimestamp = TimeProvider.GetTimestamp();
                _refreshCountAtDrop = _refreshCount;
            }
        }

        if (ignored is { } reason)
        {
            Log.InvalidationIgnored(Logger, RoleArn, ProfileName, reason);
            return;
        }

        Log.Invalidated(Logger, RoleArn, ProfileName);
    }

    private static bool IsSameSession(SessionCredentials current, SessionCredentials rejected) =>
        ReferenceEquals(current, rejected)
        || (string.Equals(current.AccessKeyId, rejected.AccessKeyId, StringComparison.Ordinal)
            && string.Equals(current.SessionToken, rejected.SessionToken, StringComparison.Ordinal));

    /// <summary>
    /// Re-plans the held session after the clocks jumped (see <see cref="SessionSnapshot.ClocksJumpedAt"/>), so that both
    /// clocks agree again: a step back followed by a suspend (or the reverse) then counts both. Returns the snapshot
    /// to use, which is <see langword="null"/> when the session was dropped meanwhile.
    /// </summary>
    private SessionSnapshot? Rebase(ClockReading now)
    {
        SessionSnapshot? current;
        TimeSpan jump;
        lock (_gate)
        {
            if (!RebaseLocked(now, out jump))
            {
                return _snapshot;
            }

            current = _snapshot;
            ArmTimer(now);
        }

        Log.ClockJumpDetected(Logger, RoleArn, ProfileName, jump);
        return current;
    }

    // Called under _gate.
    private bool RebaseLocked(ClockReading now, out TimeSpan jump)
    {
        jump = default;
        if (_disposed || _snapshot is not { } snapshot || !snapshot.ClocksJumpedAt(now, out jump))
        {
            return false;
        }

        var rebased = snapshot.RebasedAt(now);
        _snapshot = rebased;
        Telemetry.Update(this, rebased);
        return true;
    }

    public CredentialProviderStatus GetStatus()
    {
        var snapshot = _snapshot;
        var now = ClockReading.Now(TimeProvider);
        if (snapshot is not null && snapshot.ClocksJumpedAt(now, out _))
        {
            snapshot = Rebase(now);
        }

        string? lastError;
        long refreshCount;
        lock (_gate)
        {
            lastError = _lastErrorCode;
            refreshCount = _refreshCount;
        }

        var state = _disposed ? CredentialProviderState.Disposed
            : snapshot is null || snapshot.ExpiresAt.IsReachedAt(now) ? CredentialProviderState.NoCredentials
            : snapshot.UsableUntil.IsReachedAt(now) ? CredentialProviderState.BelowMinimumLifetime
            : lastError is not null ? CredentialProviderState.ServingCachedAfterFailure
            : CredentialProviderState.Fresh;
        return new CredentialProviderStatus(
            state,
            RoleArn,
            snapshot?.Credentials.Expiration,
            snapshot?.ExpiresAt.RemainingAt(now),
            refreshCount,
            lastError,
            snapshot is null ? null : SecretRedaction.MaskAccessKeyId(snapshot.Credentials.AccessKeyId))
        {
            ClockSkew = snapshot?.Skew,
        };
    }

    /// <summary>
    /// Counts a provider handle (or a dependent child hop) that uses this session. The background timer runs and the
    /// remaining-lifetime gauge reports the session only while at least one is active, so a session nobody holds any more
    /// (a replaced profile, a finished tenant) stops calling STS and costs no timer and no gauge series.
    /// </summary>
    /// <returns><see langword="false"/> when the cache already retired the session: resolve a live one instead.</returns>
    public bool TryAddHandle()
    {
        bool first;
        lock (_gate)
        {
            if (_evicted)
            {
                return false;
            }

            first = ++_handles == 1;
            if (first)
            {
                Telemetry.Track(this);
                ArmTimer(ClockReading.Now(TimeProvider));
            }
        }

        if (first)
        {
            _fetcher.Parent?.Activate();
        }

        return true;
    }

    /// <summary>Releases a handle counted by <see cref="TryAddHandle"/>; the last release stops the timer and the gauge series.</summary>
    /// <returns>Whether that was the last handle.</returns>
    public bool ReleaseHandle()
    {
        bool last;
        lock (_gate)
        {
            last = --_handles == 0;
            if (last)
            {
                // Disposed, not just disarmed: an unheld session keeps no timer object alive.
                _timer?.Dispose();
                _timer = null;
                Telemetry.Untrack(this);
            }
        }

        if (last)
        {
            _fetcher.Parent?.Deactivate();
        }

        return last;
    }

    /// <summary>Completes when no refresh is in flight (whatever its outcome); lets tests wait for background refreshes.</summary>
    internal async Task WhenIdleAsync()
    {
        // A timer callback deferred to the thread pool (see OnTimer) is about to start a refresh: wait for it first.
        while (Volatile.Read(ref _deferredTimerCallbacks) > 0)
        {
            await Task.Yield();
        }

        Task? inflight = await WhenSettledAsync().ConfigureAwait(false);

        if (inflight is not null)
        {
            await inflight.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            await WhenSettledAsync().ConfigureAwait(false);
        }
    }

    // A finished refresh clears _inflight under the lock, then logs, records and completes its task outside it: wait
    // for that tail too, so a test that waited for idle sees the refresh's log lines and metrics.
    private async Task<Task?> WhenSettledAsync()
    {
        while (Volatile.Read(ref _settlingRefreshes) > 0)
        {
            await Task.Yield();
        }

        lock (_gate)
        {
            return _inflight?.Task;
        }
    }

    /// <summary>
    /// Retires the session if nobody holds it: no handle can take it any more, so the cache can dispose it. Atomic with
    /// <see cref="TryAddHandle"/>: a handle either takes the session first (and it stays) or finds it retired.
    /// </summary>
    public bool TryRetire()
    {
        lock (_gate)
        {
            if (_handles > 0)
            {
                return false;
            }

            _evicted = true;
            return true;
        }
    }

    public void Dispose()
    {
        TaskCompletionSource<SessionCredentials>? abandoned;
        CancellationTokenSource? cancellation;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _evicted = true;
            _timer?.Dispose();
            _timer = null;
            abandoned = _inflight;
            _inflight = null;
            cancellation = _refreshCancellation;
            _refreshCancellation = null;
            Telemetry.Untrack(this); // under the lock, so no snapshot update can land in a slot another session rents next
        }

        cancellation?.Cancel();
        if (abandoned is not null && abandoned.TrySetException(new ObjectDisposedException(nameof(ICredentialProvider))))
        {
            _ = abandoned.Task.Exception; // observed: nobody may be waiting
        }

        _fetcher.Dispose();
    }

    private ValueTask<SessionCredentials> WaitForRefreshAsync(RefreshTrigger trigger, CancellationToken cancellationToken)
    {
        var failure = _failure;
        if (failure is not null && !failure.Until.IsReachedAt(ClockReading.Now(TimeProvider)))
        {
            return ValueTask.FromException<SessionCredentials>(failure.Rethrow());
        }

        var shared = JoinOrBeginRefresh(trigger, out var begun);
        if (begun is null)
        {
            // Someone else's refresh (or an answer that needs none). The caller's token cancels only this caller's wait;
            // the shared refresh keeps running for the others.
            return new ValueTask<SessionCredentials>(shared.IsCompleted ? shared : shared.WaitAsync(cancellationToken));
        }

        // This caller waits anyway: it runs the refresh itself, up to the refresh's first real await, instead of queuing
        // it to the thread pool and blocking on the hop.
        if (!CanRunInline())
        {
            Launch(begun, trigger);
            return new ValueTask<SessionCredentials>(shared.WaitAsync(cancellationToken));
        }

        var run = RunInline(begun, trigger);
        if (run.IsCompleted)
        {
            // An STS (or a fake) that answered synchronously: the shared task is complete too, unless Dispose is
            // completing it right now.
            return new ValueTask<SessionCredentials>(shared.IsCompleted ? shared : shared.WaitAsync(cancellationToken));
        }

        return AwaitInlineRefreshAsync(run, shared, cancellationToken);
    }

    /// <summary>
    /// The inline caller's wait. The refresh's own task completes on the thread that finished the STS call, right after
    /// the shared task (whose other waiters resume asynchronously, so a storm of them does not run serially on that
    /// thread): awaiting it resumes this caller there, without a hop. Its token cancels only its own wait, never the
    /// refresh, which runs on the session's lifetime token for the others.
    /// </summary>
    private static async ValueTask<SessionCredentials> AwaitInlineRefreshAsync(
        Task run, Task<SessionCredentials> shared, CancellationToken cancellationToken)
    {
        await run.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a waiting caller may run the refresh on its own thread: not under a custom <see cref="TaskScheduler"/>, where
    /// user code awaited inside the refresh (an MFA or web identity token callback) without <c>ConfigureAwait(false)</c>
    /// would be queued to that scheduler, and so could deadlock a caller that blocks on it; the thread pool runs it then.
    /// </summary>
    private static bool CanRunInline() => TaskScheduler.Current == TaskScheduler.Default;

    /// <summary>
    /// Runs the synchronous start of the refresh on the caller's thread, outside its <see cref="SynchronizationContext"/>
    /// (for the same reason as <see cref="CanRunInline"/>: a UI or legacy ASP.NET context would capture the refresh's
    /// continuations). What the refresh changes in the execution context (its span, its clock observation) stays in the
    /// refresh's own async flow and is restored for the caller when this returns.
    /// </summary>
    private Task RunInline(TaskCompletionSource<SessionCredentials> refresh, RefreshTrigger trigger)
    {
        var context = SynchronizationContext.Current;
        if (context is null)
        {
            return RefreshAsync(refresh, trigger, inline: true);
        }

        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return RefreshAsync(refresh, trigger, inline: true);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    /// <summary>
    /// Returns the in-flight refresh, starting one in the background if none runs and the session needs one
    /// (single-flight). The caller does not wait for its start: this is the refresh-ahead path.
    /// </summary>
    internal Task<SessionCredentials> StartRefresh(RefreshTrigger trigger)
    {
        var shared = JoinOrBeginRefresh(trigger, out var begun);
        if (begun is not null)
        {
            Launch(begun, trigger);
        }

        return shared;
    }

    /// <summary>
    /// The single-flight decision, under the lock: the in-flight refresh to join, an answer that needs no refresh, or a
    /// new refresh (<paramref name="begun"/>) that the caller must run, inline or through <see cref="Launch"/>.
    /// </summary>
    private Task<SessionCredentials> JoinOrBeginRefresh(RefreshTrigger trigger, out TaskCompletionSource<SessionCredentials>? begun)
    {
        begun = null;
        lock (_gate)
        {
            if (_disposed)
            {
                return Task.FromException<SessionCredentials>(new ObjectDisposedException(nameof(ICredentialProvider)));
            }

            if (_inflight is not null)
            {
                return _inflight.Task;
            }

            var now = ClockReading.Now(TimeProvider);
            var current = _snapshot;
            if (current is not null && !current.RefreshAt.IsReachedAt(now))
            {
                // A refresh completed between the caller's unlocked read of the old snapshot and this lock: the new
                // session needs no refresh yet, so this caller takes it instead of starting a second STS call.
                return Task.FromResult(current.Credentials);
            }

            if ((current is null || current.UsableUntil.IsReachedAt(now)) && _failure is { } failure && !failure.Until.IsReachedAt(now))
            {
                // Nothing usable and the shared backoff still runs: the last error, at once, and no STS call.
                return Task.FromException<SessionCredentials>(failure.Rethrow());
            }

            begun = BeginRefresh();
            return begun.Task;
        }
    }

    // Called under _gate.
    private TaskCompletionSource<SessionCredentials> BeginRefresh()
    {
        // Asynchronous continuations for the waiters that joined: a storm of them must not run one after another on the
        // thread that completes the refresh. The inline runner does not wait on this task's continuation (see
        // AwaitInlineRefreshAsync).
        var refresh = new TaskCompletionSource<SessionCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inflight = refresh;
        _refreshCancellation = new CancellationTokenSource();
        return refresh;
    }

    private void Launch(TaskCompletionSource<SessionCredentials> refresh, RefreshTrigger trigger)
    {
        // Run the refresh off the caller's thread (a refresh-ahead caller returns at once; the timer callback stays
        // short) and without its execution context: "unsafe" queuing flows none, so the refresh span does not become a
        // child of whichever request happened to trigger it, and the refresh observes only its own STS responses
        // (StsClockObservation).
        ThreadPool.UnsafeQueueUserWorkItem(
            static state => _ = state.Session.RefreshAsync(state.Refresh, state.Trigger, inline: false),
            (Session: this, Refresh: refresh, Trigger: trigger),
            preferLocal: false);
    }

    private async Task RefreshAsync(TaskCompletionSource<SessionCredentials> refresh, RefreshTrigger trigger, bool inline)
    {
        if (inline && Activity.Current is not null)
        {
            // Run inline, the refresh inherits the caller's execution context. Its span must not become a child of the
            // request that happened to trigger it; Activity.Current is async-local, so the caller's is restored when
            // this method returns to it.
            Activity.Current = null;
        }

        // Read before the first await: no other refresh can begin until this one clears _inflight. Already cancelled
        // when Dispose ran between the start and now.
        var cancellation = _refreshCancellation?.Token ?? new CancellationToken(canceled: true);
        var started = TimeProvider.GetTimestamp();
        Activity? activity = null;
        try
        {
            activity = CredentialKitTelemetry.ActivitySource.StartActivity("CredentialKit.Refresh");
            if (activity is not null)
            {
                activity.SetTag("credentialkit.role_arn", RoleArn);
                activity.SetTag("credentialkit.profile", ProfileName);
                activity.SetTag("credentialkit.trigger", trigger.ToString());
            }

            Log.RefreshStarted(Logger, RoleArn, ProfileName, trigger);

            // The STS rate limiter puts refreshes of held sessions about to become unusable ahead of first fetches.
            // Set (or cleared) for this flow only: an inline parent hop's refresh must not inherit its child's deadline.
            StsCallDeadline.Set(_snapshot?.UsableUntil.Wall);

            // A fresh observation for this flow, also when run inline inside a child hop's refresh: the child's own
            // observation is restored for it when this method returns to it.
            var clock = StsClockObservation.Begin(TimeProvider);
            var credentials = await _fetcher.FetchAsync(cancellation).ConfigureAwait(false);
            var now = ClockReading.Now(TimeProvider);
            var timing = SessionTiming.Measure(credentials, clock.Last, now);
            if (timing.ExpiresAt.RemainingAt(now) <= _settings.MinimumLifetime)
            {
                throw new CredentialRefreshException(
                    $"STS issued a session for {RoleArn} that expires at {credentials.Expiration:O}, with no more than " +
                    $"the minimum lifetime ({_settings.MinimumLifetime}) left. Lower Refresh.MinimumLifetime or raise the session Duration.",
                    ProfileName, RoleArn, RefreshDefaults.SessionTooShortErrorCode, attempts: 1, isTransient: false, innerException: null);
            }

            OnSucceeded(refresh, credentials, timing, now, trigger, started, activity);
        }
        catch (Exception) when (_disposed)
        {
            if (refresh.TrySetException(new ObjectDisposedException(nameof(ICredentialProvider))))
            {
                _ = refresh.Task.Exception;
            }
        }
        catch (Exception exception)
        {
            OnFailed(refresh, ToRefreshException(exception), trigger, started, activity);
        }
        finally
        {
            activity?.Dispose();
            if (!refresh.Task.IsCompleted && !_disposed)
            {
                // Only when the end of the refresh itself threw (a logging provider, say): no waiter may hang on it.
                Abandon(refresh);
            }
        }
    }

    private void Abandon(TaskCompletionSource<SessionCredentials> refresh)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_inflight, refresh))
            {
                _inflight = null;
                _refreshCancellation = null;
            }
        }

        var error = new CredentialRefreshException(
            $"The refresh of {RoleArn}{ProfileSuffix(ProfileName)} ended without an outcome.",
            ProfileName, RoleArn, "RefreshAborted", attempts: 0, isTransient: true, innerException: null);
        if (refresh.TrySetException(error))
        {
            _ = refresh.Task.Exception;
        }
    }

    private void OnSucceeded(
        TaskCompletionSource<SessionCredentials> refresh,
        SessionCredentials credentials,
        SessionTiming timing,
        ClockReading now,
        RefreshTrigger trigger,
        long started,
        Activity? activity)
    {
        var snapshot = _schedule.Plan(credentials, timing, now);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _snapshot = snapshot;
            Telemetry.Update(this, snapshot);
            _failure = null;
            _consecutiveFailures = 0;
            _retryAt = null;
            _lastErrorCode = null;
            _refreshCount++;
            _issuedTimestamp = TimeProvider.GetTimestamp();
            _inflight = null;
            _refreshCancellation = null;
            Interlocked.Increment(ref _settlingRefreshes);
            ArmTimer(now);
        }

        try
        {
            CompleteSucceeded(refresh, credentials, timing, trigger, started, activity, snapshot);
        }
        finally
        {
            Interlocked.Decrement(ref _settlingRefreshes);
        }
    }

    private void CompleteSucceeded(
        TaskCompletionSource<SessionCredentials> refresh,
        SessionCredentials credentials,
        SessionTiming timing,
        RefreshTrigger trigger,
        long started,
        Activity? activity,
        SessionSnapshot snapshot)
    {

        if (timing.Skew is { } skew && skew.Duration() > RefreshDefaults.ClockSkewWarningThreshold)
        {
            Log.ClockSkewDetected(Logger, RoleArn, ProfileName, skew, RefreshDefaults.ClockSkewWarningThreshold);
        }

        activity?.SetTag("credentialkit.outcome", "success");
        Record("success", trigger, started);
        Log.RefreshSucceeded(Logger, RoleArn, ProfileName, credentials.AccessKeyId, credentials.Expiration, snapshot.RefreshAt.Wall);
        refresh.TrySetResult(credentials);
    }

    private void OnFailed(
        TaskCompletionSource<SessionCredentials> refresh,
        CredentialRefreshException error,
        RefreshTrigger trigger,
        long started,
        Activity? activity)
    {
        var now = ClockReading.Now(TimeProvider);
        SessionSnapshot? stillUsable = null;
        Deadline retryAt = default;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _inflight = null;
            _refreshCancellation = null;
            Interlocked.Increment(ref _settlingRefreshes);
            _consecutiveFailures++;
            _lastErrorCode = error.ErrorCode;
            var snapshot = _snapshot;
            if (snapshot is not null && !snapshot.UsableUntil.IsReachedAt(now))
            {
                // Keep serving the cached session; move its refresh moment so callers do not each start a new attempt.
                retryAt = _schedule.RetryAfterFailure(snapshot, _consecutiveFailures, now);
                stillUsable = snapshot with { RefreshAt = retryAt };
                _snapshot = stillUsable;
                Telemetry.Update(this, stillUsable);
            }
            else
            {
                // Nothing usable remains: one jittered, doubling backoff shared by every caller (and the timer), so
                // an outage costs a retry series per backoff period, not one per caller.
                var backoffUntil = _schedule.OutageBackoffUntil(_consecutiveFailures, now);
                var tooShort = error.ErrorCode == RefreshDefaults.SessionTooShortErrorCode;
                if (tooShort && backoffUntil.RemainingAt(now) < _settings.ErrorCacheDuration)
                {
                    backoffUntil = Deadline.After(now, _settings.ErrorCacheDuration);
                }

                _retryAt = backoffUntil;
                if (error.IsTransient || tooShort)
                {
                    // A session too short to use is a configuration to fix, not a blip, but it repeats until someone
                    // does: callers and the timer share the doubling backoff (never shorter than the error cache).
                    _failure = new FailureRecord(error, backoffUntil);
                }
                else if (_settings.ErrorCacheDuration > TimeSpan.Zero)
                {
                    _failure = new FailureRecord(error, Deadline.After(now, _settings.ErrorCacheDuration));
                }
            }

            ArmTimer(now);
        }

        try
        {
            CompleteFailed(refresh, error, trigger, started, activity, stillUsable, retryAt);
        }
        finally
        {
            Interlocked.Decrement(ref _settlingRefreshes);
        }
    }

    private void CompleteFailed(
        TaskCompletionSource<SessionCredentials> refresh,
        CredentialRefreshException error,
        RefreshTrigger trigger,
        long started,
        Activity? activity,
        SessionSnapshot? stillUsable,
        Deadline retryAt)
    {
        activity?.SetTag("credentialkit.error_code", error.ErrorCode);
        activity?.SetStatus(ActivityStatusCode.Error, error.ErrorCode);
        if (stillUsable is not null)
        {
            activity?.SetTag("credentialkit.outcome", "served_cached");
            Record("served_cached", trigger, started, error.ErrorCode);
            Log.ServingCachedAfterFailure(Logger, RoleArn, ProfileName, error.ErrorCode, stillUsable.Credentials.Expiration, retryAt.Wall, error);
            refresh.TrySetResult(stillUsable.Credentials);
            return;
        }

        activity?.SetTag("credentialkit.outcome", "failure");
        Record("failure", trigger, started, error.ErrorCode);
        Log.RefreshFailed(Logger, RoleArn, ProfileName, error.ErrorCode, error.Attempts, error);
        if (refresh.TrySetException(error))
        {
            _ = refresh.Task.Exception; // observed: a background refresh may have no waiter
        }
    }

    private CredentialRefreshException ToRefreshException(Exception exception) => exception as CredentialRefreshException
        ?? new CredentialRefreshException(
            $"Could not refresh credentials for {RoleArn}{ProfileSuffix(ProfileName)}: {exception.GetType().Name}.",
            ProfileName, RoleArn, StsErrorClassifier.GetErrorCode(exception), attempts: 1,
            StsErrorClassifier.IsTransient(exception), exception);

    internal static string ProfileSuffix(string? profileName) => profileName is null ? string.Empty : $" (profile '{profileName}')";

    private void Record(string outcome, RefreshTrigger trigger, long started, string? errorCode = null)
    {
        var tags = new TagList
        {
            { "credentialkit.outcome", outcome },
            { "credentialkit.trigger", trigger.ToString() },
            { "credentialkit.profile", ProfileName },
        };
        if (errorCode is not null)
        {
            tags.Add("credentialkit.error_code", errorCode);
        }

        Telemetry.Refreshes.Add(1, tags);
        Telemetry.RefreshDuration.Record(TimeProvider.GetElapsedTime(started).TotalSeconds, tags);
    }

    /// <summary>
    /// Keeps the scheduling invariant. Called under <c>_gate</c> at the end of every transition (a refresh ended, the
    /// first handle arrived, the timer fired): while the session is held and background refresh is on, either a refresh
    /// is in flight (its end calls this again) or the timer is armed for the next background moment.
    /// </summary>
    private void ArmTimer(ClockReading now)
    {
        if (!_settings.BackgroundRefresh || _evicted || _disposed || _handles == 0)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        if (_inflight is not null)
        {
            return;
        }

        if (NextBackgroundMoment(now) is { } moment)
        {
            ScheduleTimer(moment, now);
        }
        else
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// When the timer should next refresh (under <c>_gate</c>): the snapshot's refresh moment while it is usable;
    /// after a failure that left nothing usable, the end of the shared backoff; for a held session that is no longer
    /// usable (the machine slept through its refresh moment), now. <see langword="null"/> when nothing was ever
    /// issued (or it was invalidated): the next caller fetches.
    /// </summary>
    private Deadline? NextBackgroundMoment(ClockReading now)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && !snapshot.UsableUntil.IsReachedAt(now))
        {
            return snapshot.RefreshAt;
        }

        return _retryAt ?? (snapshot is null ? null : Deadline.After(now, TimeSpan.Zero));
    }

    // Called under _gate.
    private void ScheduleTimer(Deadline at, ClockReading now)
    {
        // Due when the first of the two clocks reaches the moment. Timers run on the timestamp's time: after a suspend
        // one fires late, which the hot path covers (it reads the wall clock too).
        var due = at.RemainingAt(now);
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }
        else if (due > RefreshDefaults.MaximumTimerDue)
        {
            // Timers reject due times beyond ~49.7 days; a shorter one fires early, and OnTimer re-arms it.
            due = RefreshDefaults.MaximumTimerDue;
        }

        if (_timer is null)
        {
            using (ExecutionContext.SuppressFlow())
            {
                _timer = TimeProvider.CreateTimer(static state => ((RefreshingSession)state!).OnTimer(), this, due, Timeout.InfiniteTimeSpan);
            }
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        if (Monitor.IsEntered(_gate))
        {
            // Some clocks (FakeTimeProvider) fire a timer that is due at once inside Change, on this thread, while
            // ArmTimer holds the lock: run it after the transition completes instead of in the middle of it.
            Interlocked.Increment(ref _deferredTimerCallbacks);
            ThreadPool.UnsafeQueueUserWorkItem(
                static session =>
                {
                    try
                    {
                        session.OnTimer();
                    }
                    finally
                    {
                        Interlocked.Decrement(ref session._deferredTimerCallbacks);
                    }
                },
                this,
                preferLocal: false);
            return;
        }

        var refresh = OnTimerLocked(out var jumped, out var jump);
        if (jumped)
        {
            Log.ClockJumpDetected(Logger, RoleArn, ProfileName, jump);
        }

        if (refresh is not null)
        {
            Launch(refresh, RefreshTrigger.Timer);
        }
    }

    /// <summary>The timer's decision, under the lock: the refresh to launch, if one is due.</summary>
    private TaskCompletionSource<SessionCredentials>? OnTimerLocked(out bool jumped, out TimeSpan jump)
    {
        jumped = false;
        jump = default;
        lock (_gate)
        {
            if (!_settings.BackgroundRefresh || _disposed || _evicted || _handles == 0 || _inflight is not null)
            {
                return null;
            }

            var now = ClockReading.Now(TimeProvider);
            jumped = RebaseLocked(now, out jump);
            if (NextBackgroundMoment(now) is not { } moment)
            {
                return null;
            }

            if (!moment.IsReachedAt(now))
            {
                // Timers fire early (TimeProvider.System by a few milliseconds; a clamped due time by days): re-arm
                // for the real moment instead of giving up on background refresh.
                ScheduleTimer(moment, now);
                return null;
            }

            return BeginRefresh();
        }
    }

    /// <summary>A non-retryable failure remembered briefly, so a broken role does not cost an STS call per request.</summary>
    private sealed record FailureRecord(CredentialRefreshException Error, Deadline Until)
    {
        public CredentialRefreshException Rethrow() => new(
            Error.Message, Error.ProfileName, Error.RoleArn, Error.ErrorCode, Error.Attempts, Error.IsTransient, Error.InnerException);
    }
}
