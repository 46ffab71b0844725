namespace CredentialKit;

/// <summary>
/// A token bucket of STS calls that every process of a fleet draws from, one per account and region (its
/// <see cref="FleetStsBudgetRequest.Scope"/>), so a fleet that warms or refreshes together stays under STS's
/// per-account quota. A shared store may implement it (<c>RedisSharedSessionStore</c> does, atomically in Redis); the
/// session cache then asks it for a permit before each STS attempt of a shared hop, after the process's own pacing.
/// </summary>
/// <remarks>
/// A failure (an exception, or no answer within the store's time-box) is never the caller's failure: the process then
/// paces its STS calls with <see cref="SessionCacheOptions.StsRequestsPerSecond"/> alone until the budget answers again.
/// </remarks>
public interface IFleetStsBudget
{
    /// <summary>Takes one permit from the fleet's bucket of <paramref name="request"/>'s scope, if one is there now.</summary>
    /// <param name="request">The bucket (scope, rate, burst) and whether the call refreshes a session about to become unusable.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Granted, or how long to wait before the next permit of that kind is there.</returns>
    ValueTask<FleetStsBudgetDecision> TryAcquireAsync(FleetStsBudgetRequest request, CancellationToken cancellationToken = default);
}
