namespace CredentialKit;

/// <summary>
/// What one fetch's STS call must know about the refresh that asked for it; it travels with the call (into
/// <see cref="StsCallState"/> and from there into <see cref="Polly.ResilienceContext.Properties"/>), never in ambient state.
/// </summary>
/// <param name="UsableUntil">
/// Until when the session being replaced stays usable (the STS pacing puts such refreshes first); <see langword="null"/>
/// when nothing usable is held.
/// </param>
/// <param name="FleetBudgetScope">
/// The fleet STS budget's bucket the call counts against (<see cref="FleetStsBudgetScope"/>), for a hop the fleet shares;
/// <see langword="null"/> for a hop paced per process only.
/// </param>
internal readonly record struct FetchRequest(DateTimeOffset? UsableUntil, string? FleetBudgetScope = null);
