namespace CredentialKit.Redis;

/// <summary>Defaults and limits of <see cref="RedisSharedSessionStoreOptions"/>: one place, for the docs and the validator.</summary>
internal static class RedisSharedSessionStoreDefaults
{
    public const string KeyPrefix = "credentialkit:";

    public const int MaxKeyPrefixLength = 100;

    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MinOperationTimeout = TimeSpan.FromMilliseconds(10);

    public static readonly TimeSpan MaxOperationTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan CircuitBreakDuration = TimeSpan.FromSeconds(30);

    /// <summary>Polly's own floor for a break duration.</summary>
    public static readonly TimeSpan MinCircuitBreakDuration = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan MaxCircuitBreakDuration = TimeSpan.FromMinutes(10);

    /// <summary>The circuit opens when at least half of the Redis calls in the sampling window failed…</summary>
    public const double CircuitFailureRatio = 0.5;

    /// <summary>…and there were at least this many, so one lost packet does not open it.</summary>
    public const int CircuitMinimumThroughput = 4;

    public static readonly TimeSpan CircuitSamplingDuration = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The Data Protection purpose of every entry. A new entry format gets a new purpose, so an old process never reads a
    /// new entry as garbage it must replace, nor the other way round: each ignores the other's and they coexist.
    /// </summary>
    public const string ProtectorPurpose = "CredentialKit.Redis.SharedSessionStore.v1";
}
