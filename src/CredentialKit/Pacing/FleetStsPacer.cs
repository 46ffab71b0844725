using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// The fleet side of STS pacing: before a shared hop's STS attempt, one permit from the fleet's
/// <see cref="IFleetStsBudget"/> for the hop's account and region, urgent refreshes drawing on the reserve. When the budget
/// fails or does not answer in time, the process paces with its local limiter alone for a short cool-down (so an outage
/// costs one time-box, not one per call) and then asks again.
/// </summary>
internal sealed class FleetStsPacer
{
    private readonly IFleetStsBudget _budget;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _urgentHorizon;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _askers = new(StringComparer.Ordinal);
    private long _localOnlyUntil = long.MinValue;

    public FleetStsPacer(IFleetStsBudget budget, int requestsPerSecond, int burst, TimeSpan urgentHorizon, TimeProvider timeProvider, ILogger logger)
    {
        _budget = budget ?? throw new ArgumentNullException(nameof(budget));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        ArgumentOutOfRangeException.ThrowIfLessThan(requestsPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        RequestsPerSecond = requestsPerSecond;
        Burst = burst;
        _urgentHorizon = urgentHorizon;
    }

    public int RequestsPerSecond { get; }

    public int Burst { get; }

    /// <summary>Gets how many permits the fleet's budget granted this process; for tests.</summary>
    public long Granted => Interlocked.Read(ref _granted);

    /// <summary>Gets how many times a call went ahead on local pacing alone because the budget failed; for tests.</summary>
    public long FellBack => Interlocked.Read(ref _fellBack);

    private long _granted;
    private long _fellBack;

    /// <summary>
    /// The fleet's pacer for a cache over <paramref name="options"/>, or <see langword="null"/> when the fleet budget is
    /// off: no shared store, a store without a budget, or <see cref="SessionCacheOptions.FleetStsRequestsPerSecond"/> 0.
    /// </summary>
    public static FleetStsPacer? Create(SessionCacheOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory) =>
        options.SharedStore is IFleetStsBudget budget && options.FleetStsRequestsPerSecond > 0
            ? new FleetStsPacer(budget, options.FleetStsRequestsPerSecond, options.FleetStsRequestBurst, StsRateLimitDefaults.UrgentHorizon,
                timeProvider, loggerFactory.CreateLogger("CredentialKit.FleetStsBudget"))
            : null;

    /// <summary>Validates the fleet budget's settings of <paramref name="options"/>, naming the setting and the allowed range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public static void Validate(SessionCacheOptions options)
    {
        if (options.FleetStsRequestsPerSecond is < 0 or > StsRateLimitDefaults.MaximumRequestsPerSecond)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FleetStsRequestsPerSecond,
                $"SessionCacheOptions.FleetStsRequestsPerSecond must be from 0 (no fleet budget) to {StsRateLimitDefaults.MaximumRequestsPerSecond} (STS calls per second for the whole fleet).");
        }

        if (options.FleetStsRequestBurst is < 1 or > StsRateLimitDefaults.MaximumBurst)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FleetStsRequestBurst,
                $"SessionCacheOptions.FleetStsRequestBurst must be from 1 to {StsRateLimitDefaults.MaximumBurst} (STS calls).");
        }
    }

    /// <summary>Waits for one permit of the fleet's bucket <paramref name="scope"/>, or until the budget fails.</summary>
    /// <param name="scope">The bucket (<see cref="FleetStsBudgetScope"/>).</param>
    /// <param name="usableUntil">Until when the session being refreshed stays usable; <see langword="null"/> for a first fetch.</param>
    /// <param name="cancellationToken">The refresh's token.</param>
    public async ValueTask AcquireAsync(string scope, DateTimeOffset? usableUntil, CancellationToken cancellationToken)
    {
        // One caller per process, bucket and kind (urgent or not) asks the store at a time; the others queue here, behind
        // the local limiter's order. Without it every queued call of a warm-up would poll Redis at every emission
        // interval; per kind, so an urgent refresh never queues behind a warm-up call the bucket keeps waiting.
        var urgent = IsUrgent(usableUntil);
        var asker = _askers.GetOrAdd(urgent ? "!" + scope : scope, static _ => new SemaphoreSlim(1, 1));
        await asker.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await AskAsync(scope, usableUntil, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            asker.Release();
        }
    }

    private bool IsUrgent(DateTimeOffset? usableUntil) => usableUntil is { } until && until - _time.GetUtcNow() <= _urgentHorizon;

    private async ValueTask AskAsync(string scope, DateTimeOffset? usableUntil, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_time.GetTimestamp() < Interlocked.Read(ref _localOnlyUntil))
            {
                Interlocked.Increment(ref _fellBack);
                return;
            }

            var urgent = IsUrgent(usableUntil);
            FleetStsBudgetDecision decision;
            try
            {
                decision = await _budget.TryAcquireAsync(new FleetStsBudgetRequest(scope, RequestsPerSecond, Burst, urgent), cancellationToken)
                    .AsTask().WaitAsync(SharedSessionDefaults.StoreCallTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                // The type only: a store's message may quote what it was given.
                FleetStsBudgetLog.FellBackToLocalPacing(_logger, scope, ex.GetType().Name, StsRateLimitDefaults.FleetBudgetCoolDown);
                Interlocked.Exchange(ref _localOnlyUntil, _time.GetTimestamp() + (long)(StsRateLimitDefaults.FleetBudgetCoolDown.TotalSeconds * _time.TimestampFrequency));
                Interlocked.Increment(ref _fellBack);
                return;
            }

            if (decision.Granted)
            {
                Interlocked.Increment(ref _granted);
                return;
            }

            // Whatever the budget says, wait at least a millisecond (no spin) and at most a second (a bucket reconfigured
            // by another process, or a lost race for the permit, is seen soon).
            var wait = decision.RetryAfter < StsRateLimitDefaults.FleetBudgetMinimumWait ? StsRateLimitDefaults.FleetBudgetMinimumWait
                : decision.RetryAfter > StsRateLimitDefaults.FleetBudgetMaximumWait ? StsRateLimitDefaults.FleetBudgetMaximumWait
                : decision.RetryAfter;
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
