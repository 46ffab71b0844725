namespace CredentialKit;

/// <summary>One request for a permit from a fleet's STS budget (see <see cref="IFleetStsBudget"/>).</summary>
/// <param name="Scope">The bucket: the account and region the STS call counts against, as a fingerprint-free label such as <c>111122223333/us-east-1</c>.</param>
/// <param name="RequestsPerSecond">The bucket's rate: permits per second for the whole fleet.</param>
/// <param name="Burst">How many permits the bucket holds after a quiet spell.</param>
/// <param name="Urgent">
/// Whether the call refreshes a session about to drop below its minimum lifetime: urgent calls may use a reserve of the
/// burst that other calls leave free, so a fleet-wide warm-up never starves a held session.
/// </param>
public readonly record struct FleetStsBudgetRequest(string Scope, int RequestsPerSecond, int Burst, bool Urgent);
