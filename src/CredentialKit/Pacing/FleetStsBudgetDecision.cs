namespace CredentialKit;

/// <summary>The answer of a fleet's STS budget to one <see cref="FleetStsBudgetRequest"/>.</summary>
/// <param name="Granted">Whether a permit was taken: the STS call may start now.</param>
/// <param name="RetryAfter">When not granted: how long until the next permit of the request's kind is there.</param>
public readonly record struct FleetStsBudgetDecision(bool Granted, TimeSpan RetryAfter)
{
    /// <summary>Gets a decision that grants a permit.</summary>
    public static FleetStsBudgetDecision Grant { get; } = new(true, TimeSpan.Zero);

    /// <summary>A decision that grants nothing now.</summary>
    /// <param name="retryAfter">How long until the next permit of the request's kind is there.</param>
    /// <returns>The decision.</returns>
    public static FleetStsBudgetDecision Wait(TimeSpan retryAfter) => new(false, retryAfter);
}
