using System.Diagnostics;

namespace CredentialKit;

/// <summary>
/// The fetcher of a hop that a fleet shares: each refresh goes through the cache's <see cref="SharedSessionCoordinator"/>
/// (adopt the shared session, or take the lease and call STS with the hop's own fetcher, or wait for the holder), so the
/// refresh engine keeps calling one <see cref="ISessionFetcher"/> and never learns that a store exists.
/// </summary>
internal sealed class SharedSessionFetcher : ISessionFetcher
{
    private readonly ISessionFetcher _inner;
    private readonly SharedSessionCoordinator _coordinator;
    private readonly RefreshSettings _settings;
    private readonly TimeProvider _time;
    private volatile Issued? _last;

    /// <summary>The refresh span's tag that says how a shared hop got its session (<c>adopted</c>, <c>fetched_and_shared</c>, …).</summary>
    public const string SharedOutcomeTag = "credentialkit.shared_store.outcome";

    private readonly string _budgetScope;

    public SharedSessionFetcher(
        ISessionFetcher inner, string hopKey, SharedSessionCoordinator coordinator, RefreshSettings settings, TimeProvider timeProvider, StsOptions? sts = null, string? signerRoleArn = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(hopKey);
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _coordinator = coordinator ?? throw new ArgumentNullException(nameof(coordinator));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        HopKey = hopKey;
        _budgetScope = FleetStsBudgetScope.For(_inner.RoleArn, signerRoleArn, sts);
    }

    /// <summary>Gets the hop's fleet-wide fingerprint (<see cref="FleetHopIdentity"/>).</summary>
    public string HopKey { get; }

    public string RoleArn => _inner.RoleArn;

    /// <summary>Gets how the last refresh got its session, for tests; <see langword="null"/> before the first.</summary>
    internal SharedRefreshOutcome? LastOutcome => _last?.Outcome;

    public async Task<SessionCredentials> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        var last = _last;

        // The STS calls of this refresh (if any) count against the fleet's budget of the hop's account and region.
        var budgeted = request with { FleetBudgetScope = _budgetScope };
        var result = await _coordinator.RefreshAsync(
            HopKey, last?.Credentials, RequiredLifetime(last), ct => _inner.FetchAsync(budgeted, ct), cancellationToken, last?.UsableUntil).ConfigureAwait(false);
        var now = ClockReading.Now(_time);
        var lifetime = SessionTiming.Measure(result.Credentials, StsClockObservation.CurrentLast, now).ExpiresAt.RemainingAt(now);
        _last = new Issued(result.Credentials, lifetime, Deadline.After(now, lifetime - _settings.MinimumLifetime), result.Outcome);

        // On the refresh's span (current here: the refresh awaits this call inside it), so traces and the fleet bench can
        // tell an adoption from an STS call; the same values as the shared-store refresh metric's outcome tag.
        Activity.Current?.SetTag(SharedOutcomeTag, SharedSessionTelemetry.TagOf(result.Outcome));

        // Listen for rejections elsewhere from the first session on; in the background, so the refresh does not wait.
        _ = _coordinator.EnsureSubscribedAsync();
        return result.Credentials;
    }

    public void Dispose() => _inner.Dispose();

    /// <summary>
    /// How long a shared session must still live to be adopted: this process's refresh-ahead window for sessions like the
    /// last one it held (so the adopted session is not due for refresh at once), and never less than the minimum lifetime.
    /// On first use any session above the minimum lifetime serves: it beats an STS call, and it is refreshed (for the whole
    /// fleet) at its own refresh moment.
    /// </summary>
    private TimeSpan RequiredLifetime(Issued? last)
    {
        if (last is null || last.Lifetime <= TimeSpan.Zero)
        {
            return _settings.MinimumLifetime;
        }

        var window = RefreshDefaults.RefreshWindow(_settings.RefreshAhead, last.Lifetime);
        return window > _settings.MinimumLifetime ? window : _settings.MinimumLifetime;
    }

    /// <summary>
    /// The session this process got last for the hop (the one it holds), its lifetime when it got it, and until when it
    /// stays above the minimum lifetime (on both local clocks).
    /// </summary>
    private sealed record Issued(SessionCredentials Credentials, TimeSpan Lifetime, Deadline UsableUntil, SharedRefreshOutcome Outcome);
}
