using Polly;

namespace CredentialKit;

/// <summary>
/// The keys under which an STS call's per-call data travels through the cache's shared Polly pipelines, in
/// <see cref="ResilienceContext.Properties"/>: the one channel from the caller to the strategies (retry logs, pacing).
/// </summary>
internal static class StsCallProperties
{
    /// <summary>What the session is for, as the retry strategy's log line names it.</summary>
    public static readonly ResiliencePropertyKey<string> Subject = new("CredentialKit.Subject");

    /// <summary>Until when the held session stays usable; absent when nothing usable is held (a first fetch).</summary>
    public static readonly ResiliencePropertyKey<DateTimeOffset> UsableUntil = new("CredentialKit.UsableUntil");

    /// <summary>The fleet STS budget's bucket; absent for a hop paced per process only.</summary>
    public static readonly ResiliencePropertyKey<string> FleetBudgetScope = new("CredentialKit.FleetBudgetScope");

    /// <summary>Stores <paramref name="call"/>'s data in <paramref name="context"/>.</summary>
    public static void Set(ResilienceContext context, StsCallState call)
    {
        context.Properties.Set(Subject, call.Subject);
        if (call.UsableUntil is { } usableUntil)
        {
            context.Properties.Set(UsableUntil, usableUntil);
        }

        if (call.FleetBudgetScope is { } scope)
        {
            context.Properties.Set(FleetBudgetScope, scope);
        }
    }

    /// <summary>Reads the usable-until instant stored by <see cref="Set"/>, if any.</summary>
    public static DateTimeOffset? UsableUntilOf(ResilienceContext context) =>
        context.Properties.TryGetValue(UsableUntil, out var value) ? value : null;

    /// <summary>Reads the fleet budget's bucket stored by <see cref="Set"/>, if any.</summary>
    public static string? FleetBudgetScopeOf(ResilienceContext context) =>
        context.Properties.TryGetValue(FleetBudgetScope, out var value) ? value : null;
}
