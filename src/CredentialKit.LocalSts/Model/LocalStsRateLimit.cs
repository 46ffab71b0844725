namespace CredentialKit.LocalSts;

/// <summary>A token-bucket rate limit per account; a request finding the bucket empty gets <c>Throttling</c> / <c>Rate exceeded</c>.</summary>
/// <param name="RequestsPerSecond">Refill rate in tokens per second (on the server's <see cref="TimeProvider"/>).</param>
/// <param name="Burst">Bucket capacity; the bucket starts full.</param>
public sealed record LocalStsRateLimit(double RequestsPerSecond, int Burst);
