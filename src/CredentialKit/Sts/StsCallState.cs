namespace CredentialKit;

/// <summary>
/// The per-call data of one fetch's STS call, over all its attempts and endpoints: what the session is for (named in
/// logs and spans), until when the session it replaces stays usable (the pacing strategy puts refreshes of sessions about
/// to become unusable first), and how many attempts it made (read after it ends, for the error report). The pipeline
/// hands the first two to its strategies in <see cref="Polly.ResilienceContext.Properties"/> (<see cref="StsCallProperties"/>).
/// </summary>
/// <param name="subject">The role ARN, or a source description such as <c>GetSessionToken(AKIA…MPLE)</c>.</param>
/// <param name="request">What the refresh tells its STS call (<see cref="FetchRequest"/>).</param>
internal sealed class StsCallState(string subject, FetchRequest request)
{
    private int _attempts;

    public string Subject { get; } = subject;

    public DateTimeOffset? UsableUntil => request.UsableUntil;

    /// <summary>Gets the fleet STS budget's bucket of the call, for a hop the fleet shares.</summary>
    public string? FleetBudgetScope => request.FleetBudgetScope;

    public int Attempts => Volatile.Read(ref _attempts);

    public void CountAttempt() => Interlocked.Increment(ref _attempts);
}
