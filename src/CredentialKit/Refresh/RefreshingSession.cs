using System.Diagnostics;

namespace CredentialKit;

/// <summary>
/// One cached, self-refreshing STS session, behind every provider and every hop of a chain: it keeps the snapshot, the
/// single-flight refresh and its outcome, and hands the rest to the timer (<see cref="RefreshTimer"/>), the failure policy
/// (<see cref="RefreshFailurePolicy"/>), the runner (<see cref="RefreshExecution"/>) and one <see cref="RefreshTelemetry"/>.
/// </summary>
/// <remarks>
/// The hot path reads one immutable <see cref="SessionSnapshot"/> through a volatile field and compares two instants:
/// no lock, no allocation. Only the refresh path synchronises, never across the STS call: the first caller (or the
/// timer) installs an <see cref="InflightRefresh"/> that everyone else awaits (single-flight).
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
    private volatile SessionSnapshot? _snapshot;
    private volatile bool _disposed;
    private bool _held;
    private InflightRefresh? _inflight;
    private long _refreshCount;
    private string? _lastErrorCode;

    public RefreshingSession(ISessionFetcher fetcher, RefreshSettings settings, CredentialKitContext context, string? profileName)
    {
        _fetcher = fetcher;
        _settings = settings;
        _schedule = context.ScheduleFor(settings, fetcher);
        _context = context;
        ProfileName = profileName;
        _telemetry = new RefreshTelemetry(context, fetcher.RoleArn, profileName);
        _failures = new RefreshFailurePolicy(_schedule, context.TimeProvider);
        _timer = new RefreshTimer(this);
    }

    public TimeProvider TimeProvider => _context.TimeProvider;
    public string? ProfileName { get; }
    public string RoleArn => _fetcher.RoleArn;
    public bool IsDisposed => _disposed;

    /// <summary>Gets the credentials currently held (possibly no longer usable), for status and gauges.</summary>
    public SessionCredentials? CurrentCredentials => _snapshot?.Credentials;

    /// <summary>Gets whether the gauges report this session on its own series (tagged with its role ARN).</summary>
    public bool PerRoleMetrics => _context.PerRoleMetrics;

    /// <summary>Gets whether the credentials held (if any) expired, so that an unheld session may leave the cache.</summary>
    public bool HasExpired => _snapshot is { } snapshot && snapshot.ExpiresAt.IsReachedAt(ClockReading.Now(TimeProvider));

    /// <summary>Gets the session's telemetry sink, through which tests observe its refreshes (<see cref="RefreshTelemetry.WhenIdleAsync"/>).</summary>
    internal RefreshTelemetry TelemetrySink => _telemetry;

    /// <summary>
    /// Gets the session's lock. The timer object doubles as it: it is private to this session, and a tenant's session
    /// holds one object fewer.
    /// </summary>
    internal object Gate => _timer;

    /// <summary>Gets the current snapshot; for tests.</summary>
    internal SessionSnapshot? Snapshot => _snapshot;

    /// <summary>Describes the current plan (instants on the local clock), for test failure messages; no secret, no lock.</summary>
    internal string DescribeSchedule() => SessionStatuses.DescribeSchedule(
        _snapshot, ClockReading.Now(TimeProvider), Volatile.Read(ref _inflight) is not null, _held, _failures, Interlocked.Read(ref _refreshCount), _timer.Exists);

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

        var snapshot = Current(out var now);
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

        return WaitForRefreshAsync(snapshot is null ? RefreshTrigger.Initial : RefreshTrigger.Expiring, cancellationToken);
    }

    /// <summary>Drops the current session so the next call fetches a new one; coalesced (see <see cref="RefreshFailurePolicy.DecideDrop"/>).</summary>
    public void Invalidate() => Invalidate(rejected: null);

    /// <summary>Drops the current session, only if it is <paramref name="rejected"/> when that is given; coalesced likewise.</summary>
    public void Invalidate(SessionCredentials? rejected)
    {
        InvalidationIgnored? ignored;
        lock (Gate)
        {
            ignored = _failures.DecideDrop(_snapshot, rejected);
            if (ignored is null)
            {
                _snapshot = null;
                _telemetry.SnapshotChanged(null);
            }
        }

        _telemetry.InvalidationDecided(ignored);
    }

    public CredentialProviderStatus GetStatus()
    {
        var snapshot = Current(out var now);
        lock (Gate)
        {
            return SessionStatuses.Describe(RoleArn, snapshot, now, _disposed, _refreshCount, _lastErrorCode);
        }
    }

    /// <summary>
    /// The snapshot to use <paramref name="now"/>. Both clocks count (see <see cref="Deadline"/>); after a jump the plan is
    /// made again on the more pessimistic of them: the only step of the hot path that locks.
    /// </summary>
    private SessionSnapshot? Current(out ClockReading now)
    {
        var snapshot = _snapshot;
        now = ClockReading.Now(TimeProvider);
        if (snapshot is null || !snapshot.ClocksJumpedAt(now, out _))
        {
            return snapshot;
        }

        TimeSpan jump;
        lock (Gate)
        {
            if (!RebaseLocked(now, out jump))
            {
                return _snapshot;
            }

            snapshot = _snapshot;
            ArmTimer(now);
        }

        _telemetry.ClockJumped(jump);
        return snapshot;
    }

    // Called under Gate.
    private bool RebaseLocked(ClockReading now, out TimeSpan jump)
    {
        jump = default;
        if (_disposed || _snapshot is not { } snapshot || !snapshot.ClocksJumpedAt(now, out jump))
        {
            return false;
        }

        _snapshot = snapshot.RebasedAt(now);
        _telemetry.SnapshotChanged(_snapshot);
        return true;
    }

    /// <summary>The cache holds the session (its first lease): timer and gauge (in <paramref name="gaugeSlot"/>) run until <see cref="OnReleased"/>.</summary>
    public void OnHeld(int gaugeSlot)
    {
        lock (Gate)
        {
            if (!_disposed)
            {
                _held = true;
                _telemetry.Held(gaugeSlot, _snapshot);
                ArmTimer(ClockReading.Now(TimeProvider));
            }
        }
    }

    /// <summary>The cache released its last lease: a session nobody holds stops calling STS and costs no timer and no gauge series.</summary>
    public void OnReleased()
    {
        lock (Gate)
        {
            StopLocked();
        }
    }

    // Called under Gate: no timer object stays alive, and no snapshot update lands in the slot once the cache returns it.
    private void StopLocked()
    {
        _held = false;
        _telemetry.Released();
        _timer.Dispose();
    }

    public void Dispose()
    {
        InflightRefresh? abandoned;
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            StopLocked();
            abandoned = Interlocked.Exchange(ref _inflight, null);
        }

        abandoned?.Abandon();
        _fetcher.Dispose();
    }

    private ValueTask<SessionCredentials> WaitForRefreshAsync(RefreshTrigger trigger, CancellationToken cancellationToken)
    {
        if (_failures.CachedErrorAt(ClockReading.Now(TimeProvider)) is { } cached)
        {
            return ValueTask.FromException<SessionCredentials>(cached);
        }

        var shared = JoinOrBeginRefresh(out var begun);
        if (begun is null)
        {
            // Someone else's refresh (or an answer that needs none). The caller's token cancels only this caller's wait;
            // the shared refresh keeps running for the others.
            return new ValueTask<SessionCredentials>(shared.IsCompleted ? shared : shared.WaitAsync(cancellationToken));
        }

        // This caller waits anyway, so it runs the refresh itself where it may.
        return RefreshExecution.RunForWaiter(this, begun, trigger, cancellationToken);
    }

    /// <summary>Returns the in-flight refresh, starting one in the background if the session needs one (the refresh-ahead path).</summary>
    internal Task<SessionCredentials> StartRefresh(RefreshTrigger trigger)
    {
        var shared = JoinOrBeginRefresh(out var begun);
        if (begun is not null)
        {
            RefreshExecution.Launch(this, begun, trigger);
        }

        return shared;
    }

    /// <summary>The single-flight decision: the refresh to join, an answer that needs none, or a new one (<paramref name="begun"/>) to run.</summary>
    private Task<SessionCredentials> JoinOrBeginRefresh(out InflightRefresh? begun)
    {
        begun = null;
        lock (Gate)
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

            return (begun = BeginRefresh()).Task;
        }
    }

    private InflightRefresh BeginRefresh() // under _gate
    {
        _inflight = new InflightRefresh();
        _telemetry.RefreshBegun();
        return _inflight;
    }

    /// <summary>Fetches a new session for the refresh under way (see <see cref="SessionFetch"/>).</summary>
    internal Task<(SessionCredentials Credentials, SessionTiming Timing, ClockReading Now)> FetchAsync(CancellationToken cancellationToken) =>
        SessionFetch.FetchAsync(_fetcher, _settings, TimeProvider, _snapshot?.UsableUntil.Wall, ProfileName, cancellationToken);

    /// <summary>The refresh issued a session: plan it, serve it, arm the timer for its refresh moment.</summary>
    internal void OnSucceeded(InflightRefresh refresh, SessionCredentials credentials, SessionTiming timing, ClockReading now, RefreshTrigger trigger, long started, Activity? activity)
    {
        var snapshot = _schedule.Plan(credentials, timing, now);
        lock (Gate)
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
            ArmTimer(now);
        }

        _telemetry.RefreshSucceeded(activity, trigger, started, credentials, timing, snapshot);
        refresh.TrySetResult(credentials);
    }

    /// <summary>The refresh failed: keep serving what is still usable, or fail the waiters; the policy says when to retry.</summary>
    internal void OnFailed(InflightRefresh refresh, CredentialRefreshException error, RefreshTrigger trigger, long started, Activity? activity)
    {
        var now = ClockReading.Now(TimeProvider);
        SessionSnapshot? stillUsable;
        Deadline retryAt;
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            _lastErrorCode = error.ErrorCode;
            stillUsable = _failures.OnFailed(error, _snapshot, now, out retryAt);
            if (stillUsable is not null)
            {
                _snapshot = stillUsable;
                _telemetry.SnapshotChanged(stillUsable);
            }

            _inflight = null;
            ArmTimer(now);
        }

        _telemetry.RefreshFailed(activity, trigger, started, error, stillUsable, retryAt);
        refresh.Complete(stillUsable?.Credentials, error);
    }

    /// <summary>Ends a refresh that finished without an outcome (the end of the refresh itself threw): no waiter may hang on it.</summary>
    internal void Abandon(InflightRefresh refresh)
    {
        lock (Gate)
        {
            if (ReferenceEquals(_inflight, refresh))
            {
                _inflight = null;
            }
        }

        refresh.Fail(RefreshFailurePolicy.Aborted(RoleArn, ProfileName));
    }

    internal static string ProfileSuffix(string? profileName) => profileName is null ? string.Empty : $" (profile '{profileName}')";

    // Called under Gate at the end of every transition (see RefreshTimer.Keep).
    private void ArmTimer(ClockReading now) =>
        _timer.Keep(_settings.BackgroundRefresh && !_disposed && _held, _inflight is not null, _snapshot, _failures.RetryAt, now);

    /// <summary>The timer fired (never under <c>_gate</c>; see <see cref="RefreshTimer"/>): refresh if the moment came.</summary>
    internal void OnTimer()
    {
        InflightRefresh? refresh = null;
        var jumped = false;
        TimeSpan jump = default;
        lock (Gate)
        {
            if (_settings.BackgroundRefresh && !_disposed && _held && _inflight is null)
            {
                var now = ClockReading.Now(TimeProvider);
                jumped = RebaseLocked(now, out jump);
                refresh = _timer.IsDue(_snapshot, _failures.RetryAt, now) ? BeginRefresh() : null;
            }
        }

        if (jumped)
        {
            _telemetry.ClockJumped(jump);
        }

        if (refresh is not null)
        {
            RefreshExecution.Launch(this, refresh, RefreshTrigger.Timer);
        }
    }
}
