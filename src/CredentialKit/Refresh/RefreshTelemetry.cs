using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// One session's telemetry sink: <see cref="RefreshingSession"/> reports each event once, and this fans it out to the log,
/// the metrics, the refresh span and the gauge slot. It also counts the refreshes under way, so tests can wait for
/// background work without looking inside the session.
/// </summary>
/// <remarks>
/// Gauge events (<see cref="Held"/>, <see cref="Released"/>, <see cref="SnapshotChanged"/>) are reported under the
/// session's lock, so no snapshot lands in a slot the cache has returned. Everything else is reported outside it.
/// </remarks>
internal sealed class RefreshTelemetry(CredentialKitContext context, string roleArn, string? profileName)
{
    private int _gaugeSlot = -1;
    private int _pending; // refreshes begun and not yet ended, plus timer callbacks deferred to the thread pool
    private TaskCompletionSource? _idle;

    private ILogger Logger => context.SessionLogger;

    private TimeProvider TimeProvider => context.TimeProvider;

    /// <summary>The session is held: report it in <paramref name="slot"/>, starting with <paramref name="snapshot"/>.</summary>
    public void Held(int slot, SessionSnapshot? snapshot)
    {
        _gaugeSlot = slot;
        context.Telemetry.Update(slot, snapshot);
    }

    /// <summary>The session is no longer held (or was disposed): stop writing to the slot before the cache returns it.</summary>
    public void Released() => _gaugeSlot = -1;

    /// <summary>The session's snapshot changed (a new session, a re-plan, a drop).</summary>
    public void SnapshotChanged(SessionSnapshot? snapshot) => context.Telemetry.Update(_gaugeSlot, snapshot);

    /// <summary>A refresh began (single-flight chose it); <see cref="RefreshEnded"/> follows once, whatever its outcome.</summary>
    public void RefreshBegun() => Interlocked.Increment(ref _pending);

    /// <summary>A refresh ended: its outcome was logged, recorded and handed to its waiters.</summary>
    public void RefreshEnded() => Leave();

    /// <summary>A timer callback was deferred to the thread pool; <see cref="DeferredTimerRan"/> follows once.</summary>
    public void TimerDeferred() => Interlocked.Increment(ref _pending);

    /// <summary>A deferred timer callback ran (and began its refresh, if one was due).</summary>
    public void DeferredTimerRan() => Leave();

    /// <summary>Starts the refresh span and logs the start; returns the span (none when nobody listens).</summary>
    public Activity? RefreshStarted(RefreshTrigger trigger)
    {
        var activity = CredentialKitTelemetry.ActivitySource.StartActivity("CredentialKit.Refresh");
        if (activity is not null)
        {
            activity.SetTag("credentialkit.role_arn", roleArn);
            activity.SetTag("credentialkit.profile", profileName);
            activity.SetTag("credentialkit.trigger", trigger.ToString());
        }

        Log.RefreshStarted(Logger, roleArn, profileName, trigger);
        return activity;
    }

    public void RefreshSucceeded(Activity? activity, RefreshTrigger trigger, long started, SessionCredentials credentials, SessionTiming timing, SessionSnapshot snapshot)
    {
        if (timing.Skew is { } skew && skew.Duration() > RefreshDefaults.ClockSkewWarningThreshold)
        {
            Log.ClockSkewDetected(Logger, roleArn, profileName, skew, RefreshDefaults.ClockSkewWarningThreshold);
        }

        activity?.SetTag("credentialkit.outcome", "success");
        Record("success", trigger, started);
        Log.RefreshSucceeded(Logger, roleArn, profileName, credentials.AccessKeyId, credentials.Expiration, snapshot.RefreshAt.Wall);
    }

    /// <summary>A refresh failed; <paramref name="stillUsable"/> is what the session keeps serving until <paramref name="retryAt"/>, if anything.</summary>
    public void RefreshFailed(Activity? activity, RefreshTrigger trigger, long started, CredentialRefreshException error, SessionSnapshot? stillUsable, Deadline retryAt)
    {
        activity?.SetTag("credentialkit.error_code", error.ErrorCode);
        activity?.SetStatus(ActivityStatusCode.Error, error.ErrorCode);
        if (stillUsable is not null)
        {
            activity?.SetTag("credentialkit.outcome", "served_cached");
            Record("served_cached", trigger, started, error.ErrorCode);
            Log.ServingCachedAfterFailure(Logger, roleArn, profileName, error.ErrorCode, stillUsable.Credentials.Expiration, retryAt.Wall, error);
            return;
        }

        activity?.SetTag("credentialkit.outcome", "failure");
        Record("failure", trigger, started, error.ErrorCode);
        Log.RefreshFailed(Logger, roleArn, profileName, error.ErrorCode, error.Attempts, error);
    }

    /// <summary>An invalidation dropped the session (<paramref name="ignored"/> is <see langword="null"/>), or was ignored, and why.</summary>
    public void InvalidationDecided(InvalidationIgnored? ignored)
    {
        if (ignored is { } reason)
        {
            Log.InvalidationIgnored(Logger, roleArn, profileName, reason);
        }
        else
        {
            Log.Invalidated(Logger, roleArn, profileName);
        }
    }

    public void ClockJumped(TimeSpan jump) => Log.ClockJumpDetected(Logger, roleArn, profileName, jump);

    /// <summary>Gets whether a refresh is under way or about to begin; for tests.</summary>
    internal bool IsBusy => Volatile.Read(ref _pending) > 0;

    /// <summary>Completes when no refresh is under way or about to begin (whatever its outcome); for tests.</summary>
    internal Task WhenIdleAsync()
    {
        if (Volatile.Read(ref _pending) == 0)
        {
            return Task.CompletedTask;
        }

        var idle = Volatile.Read(ref _idle);
        if (idle is null)
        {
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = Interlocked.CompareExchange(ref _idle, created, null) ?? created;
        }

        // The last refresh may have ended between the first read and the exchange, and found no waiter to wake.
        return Volatile.Read(ref _pending) == 0 ? Task.CompletedTask : idle.Task;
    }

    private void Leave()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            Interlocked.Exchange(ref _idle, null)?.TrySetResult();
        }
    }

    private void Record(string outcome, RefreshTrigger trigger, long started, string? errorCode = null)
    {
        var tags = new TagList
        {
            { "credentialkit.outcome", outcome },
            { "credentialkit.trigger", trigger.ToString() },
            { "credentialkit.profile", profileName },
        };
        if (errorCode is not null)
        {
            tags.Add("credentialkit.error_code", errorCode);
        }

        context.Telemetry.Refreshes.Add(1, tags);
        context.Telemetry.RefreshDuration.Record(TimeProvider.GetElapsedTime(started).TotalSeconds, tags);
    }
}
