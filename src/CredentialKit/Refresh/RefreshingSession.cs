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
    private readonly ILogger _logger;
    private readonly CredentialKitTelemetry _telemetry;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly object _gate = new();

    private volatile SessionSnapshot? _snapshot;
    private volatile FailureRecord? _failure;
    private volatile bool _disposed;
    private volatile bool _evicted;
    private volatile bool _stored;
    private TaskCompletionSource<SessionCredentials>? _inflight;
    private ITimer? _timer;
    private int _consecutiveFailures;
    private int _handles;
    private long _refreshCount;
    private string? _lastErrorCode;

    public RefreshingSession(
        ISessionFetcher fetcher,
        RefreshSettings settings,
        CredentialKitContext context,
        string? profileName)
    {
        _fetcher = fetcher;
        _settings = settings;
        _schedule = new RefreshSchedule(settings, context.Random);
        _logger = context.LoggerFactory.CreateLogger("CredentialKit.CredentialProvider");
        _telemetry = context.Telemetry;
        TimeProvider = context.TimeProvider;
        ProfileName = profileName;
        _telemetry.Track(this);
    }

    public TimeProvider TimeProvider { get; }

    public string? ProfileName { get; }

    public string RoleArn => _fetcher.RoleArn;

    /// <summary>Gets the credentials currently held (possibly no longer usable), for status and gauges.</summary>
    public SessionCredentials? CurrentCredentials => _snapshot?.Credentials;

    /// <summary>Gets whether the session cache dropped this session; handles then resolve a new one.</summary>
    public bool IsEvicted => _evicted;

    public bool IsDisposed => _disposed;

    /// <summary>Gets whether the session cache accepted this session's entry (a full cache may refuse a new one).</summary>
    public bool WasStored => _stored;

    /// <summary>
    /// Gets whether the session may leave the cache: it was disposed, or nobody holds it and its credentials expired.
    /// </summary>
    public bool CanLeaveCache =>
        _disposed || (Volatile.Read(ref _handles) == 0 && _snapshot is { } snapshot && TimeProvider.GetUtcNow() >= snapshot.Credentials.Expiration);

    public void MarkStored() => _stored = true;

    public ValueTask<SessionCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        if (_disposed)
        {
            return ValueTask.FromException<SessionCredentials>(new ObjectDisposedException(nameof(ICredentialProvider)));
        }

        var snapshot = _snapshot;
        if (snapshot is not null)
        {
            var now = TimeProvider.GetUtcNow();
            if (now < snapshot.RefreshAt)
            {
                return new ValueTask<SessionCredentials>(snapshot.Credentials);
            }

            if (now < snapshot.UsableUntil)
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

        return new ValueTask<SessionCredentials>(WaitForRefreshAsync(snapshot is null ? RefreshTrigger.Initial : RefreshTrigger.Expiring, cancellationToken));
    }

    public void Invalidate()
    {
        lock (_gate)
        {
            _snapshot = null;
            _failure = null;
        }

        Log.Invalidated(_logger, RoleArn, ProfileName);
    }

    public CredentialProviderStatus GetStatus()
    {
        var snapshot = _snapshot;
        var now = TimeProvider.GetUtcNow();
        string? lastError;
        long refreshCount;
        lock (_gate)
        {
            lastError = _lastErrorCode;
            refreshCount = _refreshCount;
        }

        var state = snapshot is null || now >= snapshot.Credentials.Expiration ? CredentialProviderState.NoCredentials
            : now >= snapshot.UsableUntil ? CredentialProviderState.BelowMinimumLifetime
            : lastError is not null ? CredentialProviderState.ServingCachedAfterFailure
            : CredentialProviderState.Fresh;
        return new CredentialProviderStatus(
            state,
            RoleArn,
            snapshot?.Credentials.Expiration,
            snapshot is null ? null : snapshot.Credentials.Expiration - now,
            refreshCount,
            lastError,
            snapshot is null ? null : SecretRedaction.MaskAccessKeyId(snapshot.Credentials.AccessKeyId));
    }

    /// <summary>
    /// Counts a provider handle (or a dependent child hop) that uses this session. The background timer runs only while
    /// at least one is active, so a session nobody holds any more (a replaced profile, a finished tenant) stops calling
    /// STS and leaves the cache when it expires.
    /// </summary>
    public void AddHandle()
    {
        bool first;
        lock (_gate)
        {
            first = ++_handles == 1;
            if (first && _snapshot is { } snapshot && !_disposed)
            {
                ScheduleTimer(snapshot.RefreshAt, TimeProvider.GetUtcNow());
            }
        }

        if (first)
        {
            _fetcher.Parent?.Activate();
        }
    }

    /// <summary>Releases a handle counted by <see cref="AddHandle"/>; the last release stops the background timer.</summary>
    public void ReleaseHandle()
    {
        bool last;
        lock (_gate)
        {
            last = --_handles == 0;
            if (last)
            {
                _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        if (last)
        {
            _fetcher.Parent?.Deactivate();
        }
    }

    /// <summary>Completes when no refresh is in flight (whatever its outcome); lets tests wait for background refreshes.</summary>
    internal Task WhenIdleAsync()
    {
        Task? inflight;
        lock (_gate)
        {
            inflight = _inflight?.Task;
        }

        return inflight is null
            ? Task.CompletedTask
            : inflight.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Marks the session as dropped by the cache: no more background refreshes; current waiters still complete.</summary>
    public void MarkEvicted()
    {
        _evicted = true;
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    public void Dispose()
    {
        TaskCompletionSource<SessionCredentials>? abandoned;
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
        }

        _lifetime.Cancel();
        if (abandoned is not null && abandoned.TrySetException(new ObjectDisposedException(nameof(ICredentialProvider))))
        {
            _ = abandoned.Task.Exception; // observed: nobody may be waiting
        }

        _telemetry.Untrack(this);
        _fetcher.Dispose();
        _lifetime.Dispose();
    }

    private async Task<SessionCredentials> WaitForRefreshAsync(RefreshTrigger trigger, CancellationToken cancellationToken)
    {
        var failure = _failure;
        if (failure is not null && TimeProvider.GetUtcNow() < failure.Until)
        {
            throw failure.Rethrow();
        }

        // The caller's token cancels only this caller's wait; the shared refresh keeps running for the others.
        return await StartRefresh(trigger).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the in-flight refresh, starting one if none runs and the session needs one (single-flight).</summary>
    internal Task<SessionCredentials> StartRefresh(RefreshTrigger trigger)
    {
        TaskCompletionSource<SessionCredentials> refresh;
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

            if (_snapshot is { } current && TimeProvider.GetUtcNow() < current.RefreshAt)
            {
                // A refresh completed between the caller's unlocked read of the old snapshot and this lock: the new
                // session needs no refresh yet, so this caller takes it instead of starting a second STS call.
                return Task.FromResult(current.Credentials);
            }

            refresh = new TaskCompletionSource<SessionCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inflight = refresh;
        }

        // Run the refresh off the caller's thread and without its execution context: a refresh-ahead caller returns
        // at once, and the refresh span does not become a child of whichever request happened to trigger it.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => RefreshAsync(refresh, trigger));
        }

        return refresh.Task;
    }

    private async Task RefreshAsync(TaskCompletionSource<SessionCredentials> refresh, RefreshTrigger trigger)
    {
        var started = TimeProvider.GetTimestamp();
        using var activity = CredentialKitTelemetry.ActivitySource.StartActivity("CredentialKit.Refresh");
        activity?.SetTag("credentialkit.role_arn", RoleArn);
        activity?.SetTag("credentialkit.profile", ProfileName);
        activity?.SetTag("credentialkit.trigger", trigger.ToString());
        Log.RefreshStarted(_logger, RoleArn, ProfileName, trigger);

        try
        {
            var credentials = await _fetcher.FetchAsync(_lifetime.Token).ConfigureAwait(false);
            var now = TimeProvider.GetUtcNow();
            if (credentials.Expiration - now <= _settings.MinimumLifetime)
            {
                throw new CredentialRefreshException(
                    $"STS issued a session for {RoleArn} that expires at {credentials.Expiration:O}, with no more than " +
                    $"the minimum lifetime ({_settings.MinimumLifetime}) left. Lower Refresh.MinimumLifetime or raise the session Duration.",
                    ProfileName, RoleArn, "SessionTooShort", attempts: 1, isTransient: false, innerException: null);
            }

            OnSucceeded(refresh, credentials, now, trigger, started, activity);
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
    }

    private void OnSucceeded(
        TaskCompletionSource<SessionCredentials> refresh,
        SessionCredentials credentials,
        DateTimeOffset now,
        RefreshTrigger trigger,
        long started,
        Activity? activity)
    {
        var snapshot = _schedule.Plan(credentials, now);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _snapshot = snapshot;
            _failure = null;
            _consecutiveFailures = 0;
            _lastErrorCode = null;
            _refreshCount++;
            _inflight = null;
            ScheduleTimer(snapshot.RefreshAt, now);
        }

        activity?.SetTag("credentialkit.outcome", "success");
        Record("success", trigger, started);
        Log.RefreshSucceeded(_logger, RoleArn, ProfileName, SecretRedaction.MaskAccessKeyId(credentials.AccessKeyId), credentials.Expiration, snapshot.RefreshAt);
        refresh.TrySetResult(credentials);
    }

    private void OnFailed(
        TaskCompletionSource<SessionCredentials> refresh,
        CredentialRefreshException error,
        RefreshTrigger trigger,
        long started,
        Activity? activity)
    {
        var now = TimeProvider.GetUtcNow();
        SessionSnapshot? stillUsable = null;
        DateTimeOffset retryAt = default;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _inflight = null;
            _consecutiveFailures++;
            _lastErrorCode = error.ErrorCode;
            var snapshot = _snapshot;
            if (snapshot is not null && now < snapshot.UsableUntil)
            {
                // Keep serving the cached session; move its refresh moment so callers do not each start a new attempt.
                retryAt = _schedule.RetryAfterFailure(snapshot, _consecutiveFailures, now);
                stillUsable = snapshot with { RefreshAt = retryAt };
                _snapshot = stillUsable;
                ScheduleTimer(retryAt, now);
            }
            else if (!error.IsTransient && _settings.ErrorCacheDuration > TimeSpan.Zero)
            {
                _failure = new FailureRecord(error, now + _settings.ErrorCacheDuration);
            }
        }

        activity?.SetTag("credentialkit.error_code", error.ErrorCode);
        activity?.SetStatus(ActivityStatusCode.Error, error.ErrorCode);
        if (stillUsable is not null)
        {
            activity?.SetTag("credentialkit.outcome", "served_cached");
            Record("served_cached", trigger, started, error.ErrorCode);
            Log.ServingCachedAfterFailure(_logger, RoleArn, ProfileName, error.ErrorCode, stillUsable.Credentials.Expiration, retryAt, error);
            refresh.TrySetResult(stillUsable.Credentials);
            return;
        }

        activity?.SetTag("credentialkit.outcome", "failure");
        Record("failure", trigger, started, error.ErrorCode);
        Log.RefreshFailed(_logger, RoleArn, ProfileName, error.ErrorCode, error.Attempts, error);
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

        _telemetry.Refreshes.Add(1, tags);
        _telemetry.RefreshDuration.Record(TimeProvider.GetElapsedTime(started).TotalSeconds, tags);
    }

    // Called under _gate.
    private void ScheduleTimer(DateTimeOffset at, DateTimeOffset now)
    {
        if (!_settings.BackgroundRefresh || _evicted || _handles == 0)
        {
            return;
        }

        var due = at - now;
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
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
        if (!_disposed && !_evicted && Volatile.Read(ref _handles) > 0)
        {
            _ = StartRefresh(RefreshTrigger.Timer);
        }
    }

    /// <summary>A non-retryable failure remembered briefly, so a broken role does not cost an STS call per request.</summary>
    private sealed record FailureRecord(CredentialRefreshException Error, DateTimeOffset Until)
    {
        public CredentialRefreshException Rethrow() => new(
            Error.Message, Error.ProfileName, Error.RoleArn, Error.ErrorCode, Error.Attempts, Error.IsTransient, Error.InnerException);
    }
}
