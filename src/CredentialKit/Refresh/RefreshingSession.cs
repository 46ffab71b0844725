using System.Diagnostics;

namespace CredentialKit;

/// <summary>
/// One cached, self-refreshing STS session: the engine behind every provider and every hop of a chain. It keeps the
/// snapshot, the single-flight refresh and its outcome; the timer (<see cref="RefreshTimer"/>), what follows a failure
/// (<see cref="RefreshFailurePolicy"/>) and telemetry (<see cref="RefreshTelemetry"/>) are its collaborators.
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
    private readonly RefreshTelemetry _telemetry;
    private readonly RefreshFailurePolicy _failures;
    private readonly RefreshTimer _timer;
    private readonly object _gate = new();

    // The in-flight refresh's cancellation, which Dispose cancels; none while no refresh runs. Per refresh rather than one
    // for the session's lifetime: a source that has had registrations (the SDK's HTTP call, Polly's timeout) keeps them,
    // which a warm idle tenant would otherwise carry. Never disposed: it has no timer and no wait handle.
    private CancellationTokenSource? _refreshCancellation;
    private volatile SessionSnapshot? _snapshot;
    private volatile bool _disposed;
    private bool _held;
    private TaskCompletionSource<SessionCredentials>? _inflight;
    private long _refreshCount;
    private string? _lastErrorCode;

    public RefreshingSession(ISessionFetcher fetcher, RefreshSettings settings, CredentialKitContext context, string? profileName)
    {
        _fetcher = fetcher;
        _settings = settings;
        _schedule = context.ScheduleFor(settings);
        _context = context;
        ProfileName = profileName;
        _telemetry = new RefreshTelemetry(context, fetcher.RoleArn, profileName);
        _failures = new RefreshFailurePolicy(settings, _schedule, context.TimeProvider);
        _timer = new RefreshTimer(this, context.TimeProvider, _gate, _telemetry);
    }

    public TimeProvider TimeProvider => _context.TimeProvider;

    public string? ProfileName { get; }

    public string RoleArn => _fetcher.RoleArn;

    /// <summary>Gets the session's telemetry sink, through which tests observe its refreshes.</summary>
    internal RefreshTelemetry TelemetrySink => _telemetry;

    /// <summary>Describes the current plan (instants on the local clock), for test failure messages; no secret, no lock.</summary>
    internal string DescribeSchedule()
    {
        var snapshot = _snapshot;
        return $"now {ClockReading.Now(TimeProvider)}, refreshAt {snapshot?.RefreshAt}, usableUntil {snapshot?.UsableUntil}, " +
            $"expiresAt {snapshot?.ExpiresAt}, skew {snapshot?.Skew}, inflight {IsRefreshing}, held {_held}, " +
            $"retryAt {_failures.RetryAt:O}, failures {_failures.ConsecutiveFailures}, refreshes {Interlocked.Read(ref _refreshCount)}, timer {_timer.Exists}";
    }

    /// <summary>Gets the credentials currently held (possibly no longer usable), for status and gauges.</summary>
    public SessionCredentials? CurrentCredentials => _snapshot?.Credentials;

    /// <summary>Gets the current snapshot; for tests.</summary>
    internal SessionSnapshot? Snapshot => _snapshot;

    /// <summary>Gets whether the gauges report this session on its own series (tagged with its role ARN).</summary>
    public bool PerRoleMetrics => _context.PerRoleMetrics;

    public bool IsDisposed => _disposed;

    /// <summary>Gets whether a refresh is in flight; for tests.</summary>
    internal bool IsRefreshing => Volatile.Read(ref _inflight) is not null;

    /// <summary>Gets whether the credentials held (if any) have expired, so that an unheld session may leave the cache.</summary>
    public bool HasExpired => _snapshot is { } snapshot && snapshot.ExpiresAt.IsReachedAt(ClockReading.Now(TimeProvider));

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

    /// <summary>Drops the current session so the next call fetches a new one; coalesced (see <see cref="RefreshFailurePolicy.DecideDrop"/>).</summary>
    public void Invalidate() => Invalidate(rejected: null);

    /// <summary>
    /// Drops the current session, only if it is <paramref name="rejected"/> when that is given. Callers that saw the same
    /// rejection together share one new session (see <see cref="RefreshFailurePolicy.DecideDrop"/>).
    /// </summary>
    public void Invalidate(SessionCredentials? rejected)
    {
        InvalidationIgnored? ignored;
        lock (_gate)
        {
            var snapshot = _snapshot;
            ignored = rejected is not null && (snapshot is null || !IsSameSession(snapshot.Credentials, rejected))
                ? InvalidationIgnored.NotCurrent
                : _failures.DecideDrop(holdsSession: snapshot is not null);
            if (ignored is null)
            {
                _snapshot = null;
                _telemetry.SnapshotChanged(null);
            }
        }

        if (ignored is { } reason)
        {
            _telemetry.InvalidationIgnored(reason);
            return;
        }

        _telemetry.Invalidated();
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

        _telemetry.ClockJumped(jump);
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
        _telemetry.SnapshotChanged(rebased);
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
    /// The cache holds the session now (its first lease): the background timer runs and the gauges report the session in
    /// <paramref name="gaugeSlot"/> until <see cref="OnReleased"/>, so a session nobody holds (a replaced profile, a finished
    /// tenant) stops calling STS and costs no timer and no gauge series. Called under the cache's lock.
    /// </summary>
    public void OnHeld(int gaugeSlot)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _held = true;
            _telemetry.Held(gaugeSlot, _snapshot);
            ArmTimer(ClockReading.Now(TimeProvider));
        }
    }

    /// <summary>The cache released its last lease: the timer goes and the gauge slot is no longer written. Called under the cache's lock.</summary>
    public void OnReleased()
    {
        lock (_gate)
        {
            _held = false;
            _telemetry.Released();
            _timer.Dispose();
        }
    }

    /// <summary>Completes when no refresh is in flight or about to start (whatever its outcome); see <see cref="RefreshTelemetry.WhenIdleAsync"/>.</summary>
    internal Task WhenIdleAsync() => _telemetry.WhenIdleAsync();

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
            _held = false;
            _timer.Dispose();
            abandoned = _inflight;
            _inflight = null;
            cancellation = _refreshCancellation;
            _refreshCancellation = null;
            _telemetry.Released(); // under the lock, so no snapshot update lands in the slot once the cache returns it
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
        if (_failures.CachedErrorAt(ClockReading.Now(TimeProvider)) is { } cached)
        {
            return ValueTask.FromException<SessionCredentials>(cached);
        }

        var shared = JoinOrBeginRefresh(trigger, out var begun);
        if (begun is null)
        {
            // Someone else's refresh (or an answer that needs none). The caller's token cancels only this caller's wait;
            // the shared refresh keeps running for the others.
            return new ValueTask<SessionCredentials>(shared.IsCompleted ? shared : shared.WaitAsync(cancellationToken));
        }

        // This caller waits anyway: it runs the refresh itself (see RefreshExecution), unless it must not.
        if (!RefreshExecution.CanRunInline())
        {
            Launch(begun, trigger);
            return new ValueTask<SessionCredentials>(shared.WaitAsync(cancellationToken));
        }

        var run = RefreshExecution.RunInline(static s => s.Session.RefreshAsync(s.Refresh, s.Trigger, inline: true), (Session: this, Refresh: begun, Trigger: trigger));
        if (run.IsCompleted)
        {
            // An STS (or a fake) that answered synchronously: the shared task is complete too, unless Dispose is
            // completing it right now.
            return new ValueTask<SessionCredentials>(shared.IsCompleted ? shared : shared.WaitAsync(cancellationToken));
        }

        return RefreshExecution.AwaitInlineAsync(run, shared, cancellationToken);
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

            if ((current is null || current.UsableUntil.IsReachedAt(now)) && _failures.CachedErrorAt(now) is { } cached)
            {
                // Nothing usable and the shared backoff still runs: the last error, at once, and no STS call.
                return Task.FromException<SessionCredentials>(cached);
            }

            begun = BeginRefresh();
            return begun.Task;
        }
    }

    // Called under _gate.
    private TaskCompletionSource<SessionCredentials> BeginRefresh()
    {
        // Asynchronous continuations for the waiters that joined: a storm of them must not run one after another on the
        // thread that completes the refresh. The inline runner does not wait on this task's continuation.
        var refresh = new TaskCompletionSource<SessionCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inflight = refresh;
        _refreshCancellation = new CancellationTokenSource();
        _telemetry.RefreshBegun();
        return refresh;
    }

    private void Launch(TaskCompletionSource<SessionCredentials> refresh, RefreshTrigger trigger) =>
        RefreshExecution.Queue(
            static state => _ = state.Session.RefreshAsync(state.Refresh, state.Trigger, inline: false),
            (Session: this, Refresh: refresh, Trigger: trigger));

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
            activity = _telemetry.RefreshStarted(trigger);

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
            Fail(refresh, new ObjectDisposedException(nameof(ICredentialProvider)));
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

            _telemetry.RefreshEnded();
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

        Fail(refresh, new CredentialRefreshException(
            $"The refresh of {RoleArn}{ProfileSuffix(ProfileName)} ended without an outcome.",
            ProfileName, RoleArn, "RefreshAborted", attempts: 0, isTransient: true, innerException: null));
    }

    private static void Fail(TaskCompletionSource<SessionCredentials> refresh, Exception error)
    {
        if (refresh.TrySetException(error))
        {
            _ = refresh.Task.Exception; // observed: a background refresh may have no waiter
        }
    }

    private void OnSucceeded(
        TaskCompletionSource<SessionCredentials> refresh, SessionCredentials credentials, SessionTiming timing, ClockReading now,
        RefreshTrigger trigger, long started, Activity? activity)
    {
        var snapshot = _schedule.Plan(credentials, timing, now);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _snapshot = snapshot;
            _telemetry.SnapshotChanged(snapshot);
            _failures.OnSucceeded();
            _lastErrorCode = null;
            _refreshCount++;
            _inflight = null;
            _refreshCancellation = null;
            ArmTimer(now);
        }

        _telemetry.RefreshSucceeded(activity, trigger, started, credentials, timing, snapshot);
        refresh.TrySetResult(credentials);
    }

    private void OnFailed(
        TaskCompletionSource<SessionCredentials> refresh, CredentialRefreshException error, RefreshTrigger trigger, long started, Activity? activity)
    {
        var now = ClockReading.Now(TimeProvider);
        SessionSnapshot? stillUsable;
        Deadline retryAt;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _inflight = null;
            _refreshCancellation = null;
            _lastErrorCode = error.ErrorCode;
            stillUsable = _failures.OnFailed(error, _snapshot, now, out retryAt);
            if (stillUsable is not null)
            {
                _snapshot = stillUsable;
                _telemetry.SnapshotChanged(stillUsable);
            }

            ArmTimer(now);
        }

        if (stillUsable is not null)
        {
            _telemetry.ServedCached(activity, trigger, started, error, stillUsable, retryAt);
            refresh.TrySetResult(stillUsable.Credentials);
            return;
        }

        _telemetry.RefreshFailed(activity, trigger, started, error);
        Fail(refresh, error);
    }

    private CredentialRefreshException ToRefreshException(Exception exception) => exception as CredentialRefreshException
        ?? new CredentialRefreshException(
            $"Could not refresh credentials for {RoleArn}{ProfileSuffix(ProfileName)}: {exception.GetType().Name}.",
            ProfileName, RoleArn, StsErrorClassifier.GetErrorCode(exception), attempts: 1,
            StsErrorClassifier.IsTransient(exception), exception);

    internal static string ProfileSuffix(string? profileName) => profileName is null ? string.Empty : $" (profile '{profileName}')";

    /// <summary>
    /// Keeps the scheduling invariant. Called under <c>_gate</c> at the end of every transition (a refresh ended, the
    /// session became held, the timer fired): while the session is held and background refresh is on, either a refresh
    /// is in flight (its end calls this again) or the timer is armed for the next background moment.
    /// </summary>
    private void ArmTimer(ClockReading now)
    {
        if (!_settings.BackgroundRefresh || _disposed || !_held)
        {
            _timer.Disarm();
            return;
        }

        if (_inflight is not null)
        {
            return;
        }

        if (NextBackgroundMoment(now) is { } moment)
        {
            _timer.ScheduleAt(moment, now);
        }
        else
        {
            _timer.Disarm();
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

        return _failures.RetryAt ?? (snapshot is null ? null : Deadline.After(now, TimeSpan.Zero));
    }

    /// <summary>The timer fired (never under <c>_gate</c>; see <see cref="RefreshTimer"/>): refresh if the moment came.</summary>
    internal void OnTimer()
    {
        TaskCompletionSource<SessionCredentials>? refresh = null;
        var jumped = false;
        TimeSpan jump = default;
        lock (_gate)
        {
            if (_settings.BackgroundRefresh && !_disposed && _held && _inflight is null)
            {
                var now = ClockReading.Now(TimeProvider);
                jumped = RebaseLocked(now, out jump);
                if (NextBackgroundMoment(now) is { } moment)
                {
                    if (moment.IsReachedAt(now))
                    {
                        refresh = BeginRefresh();
                    }
                    else
                    {
                        // Timers fire early (TimeProvider.System by a few milliseconds; a clamped due time by days):
                        // re-arm for the real moment instead of giving up on background refresh.
                        _timer.ScheduleAt(moment, now);
                    }
                }
            }
        }

        if (jumped)
        {
            _telemetry.ClockJumped(jump);
        }

        if (refresh is not null)
        {
            Launch(refresh, RefreshTrigger.Timer);
        }
    }
}
