using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace CredentialKit;

/// <summary>What one fetch of a non-STS source produced, with the issuer's clock when its answer carried a <c>Date</c>.</summary>
/// <param name="Credentials">The session.</param>
/// <param name="SentAt">The local clocks just before the request was sent, when <paramref name="ServerDate"/> is known.</param>
/// <param name="ServerDate">The answer's <c>Date</c> header (the issuer's clock).</param>
internal sealed record SourceFetchResult(SessionCredentials Credentials, ClockReading? SentAt = null, DateTimeOffset? ServerDate = null);

/// <summary>
/// One fetch at a time per source for the whole process, whatever the number of providers and caches: concurrent callers
/// of the same source (the same instance metadata endpoint, container endpoint or command) share one in-flight request,
/// and a caller that comes within the first half of the last session's lifetime gets that session without a request.
/// </summary>
/// <remarks>
/// Each <see cref="RefreshingSession"/> still plans, backs off and reports on its own; this only stops 1,000 cold
/// providers from sending 1,000 requests to a metadata service that throttles. A session is never handed back to the
/// caller that already holds it (so an invalidation really fetches anew), and a failure is shared only by the callers
/// that waited for it, never kept. Per clock: tests that drive their own clock never see each other's sessions.
/// The shared request runs to its own time limit, not a caller's cancellation: another caller may still want it.
/// </remarks>
internal sealed class ProcessWideSourceFetch
{
    private static readonly ConditionalWeakTable<TimeProvider, ProcessWideSourceFetch> PerClock = new();

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    private ProcessWideSourceFetch(TimeProvider time) => _time = time;

    public static ProcessWideSourceFetch For(TimeProvider time) => PerClock.GetValue(time, static t => new ProcessWideSourceFetch(t));

    /// <summary>Gets how many requests were sent for <paramref name="key"/> (tests assert exact counts with it).</summary>
    internal long RequestCount(string key) => _slots.TryGetValue(key, out var slot) ? Interlocked.Read(ref slot.Requests) : 0;

    /// <summary>The session of <paramref name="key"/>: shared in flight, reused while fresh, or fetched.</summary>
    /// <param name="key">Identifies the source; never contains a secret in clear.</param>
    /// <param name="held">The session the caller holds now, which it must not be given again.</param>
    /// <param name="fetch">Sends the one request; runs without the caller's cancellation.</param>
    /// <param name="cancellationToken">Stops this caller's wait, not the shared request.</param>
    public async Task<SessionCredentials> FetchAsync(
        string key, SessionCredentials? held, Func<CancellationToken, Task<SourceFetchResult>> fetch, CancellationToken cancellationToken)
    {
        var slot = _slots.GetOrAdd(key, static _ => new Slot());
        TaskCompletionSource<SourceFetchResult>? lead = null;
        Task<SourceFetchResult> shared;
        lock (slot)
        {
            if (slot.Last is { } last && !IsSame(last.Credentials, held) && IsFresh(last))
            {
                return last.Credentials;
            }

            if (slot.InFlight is null)
            {
                lead = new TaskCompletionSource<SourceFetchResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                slot.InFlight = lead.Task;
            }

            shared = slot.InFlight;
        }

        if (lead is not null)
        {
            _ = RunAsync(slot, lead, fetch);
        }

        var result = await shared.WaitAsync(cancellationToken).ConfigureAwait(false);

        // Every caller records the issuer's clock in its own refresh's flow, so each plans on it (SessionTiming).
        StsClockObservation.ResponseReceived(result.SentAt, result.ServerDate);
        return result.Credentials;
    }

    private async Task RunAsync(Slot slot, TaskCompletionSource<SourceFetchResult> lead, Func<CancellationToken, Task<SourceFetchResult>> fetch)
    {
        Interlocked.Increment(ref slot.Requests);
        try
        {
            var result = await fetch(CancellationToken.None).ConfigureAwait(false);
            lock (slot)
            {
                slot.Last = new Fetched(result.Credentials, ClockReading.Now(_time));
                slot.InFlight = null;
            }

            lead.SetResult(result);
        }
        catch (Exception e)
        {
            lock (slot)
            {
                slot.InFlight = null;
            }

            lead.SetException(e);
            _ = lead.Task.Exception; // observed: every waiter may have given up
        }
    }

    /// <summary>In the first half of its lifetime, as the engine never plans a refresh before that (MaximumWindowShare).</summary>
    private bool IsFresh(Fetched last)
    {
        // Aged on both clocks, the longer figure: a wall clock stepped back must not make an old session look fresh.
        var lifetime = last.Credentials.Expiration - last.FetchedAt.Wall;
        return ClockReading.Now(_time).ElapsedSince(last.FetchedAt) < lifetime / 2;
    }

    private static bool IsSame(SessionCredentials a, SessionCredentials? b) =>
        b is not null && string.Equals(a.AccessKeyId, b.AccessKeyId, StringComparison.Ordinal) && a.Expiration == b.Expiration;

    private sealed record Fetched(SessionCredentials Credentials, ClockReading FetchedAt);

    private sealed class Slot
    {
        public Task<SourceFetchResult>? InFlight;
        public Fetched? Last;
        public long Requests;
    }
}
