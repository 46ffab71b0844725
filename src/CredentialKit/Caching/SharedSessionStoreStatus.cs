namespace CredentialKit;

/// <summary>A shared session store's state, for health checks and status pages; never a secret.</summary>
public sealed class SharedSessionStoreStatus
{
    /// <summary>Creates a status snapshot.</summary>
    /// <param name="isAvailable">Whether the store is answering (its circuit is closed or probing).</param>
    /// <param name="state">A short state name, for example <c>Closed</c>, <c>Open</c> or <c>HalfOpen</c>.</param>
    /// <param name="unavailableSince">Since when the store has been unavailable, if it is.</param>
    /// <param name="lastError">The type or code of the last failure, if any; never a message with data in it.</param>
    /// <exception cref="ArgumentException"><paramref name="state"/> is empty.</exception>
    public SharedSessionStoreStatus(bool isAvailable, string state, DateTimeOffset? unavailableSince = null, string? lastError = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        IsAvailable = isAvailable;
        State = state;
        UnavailableSince = unavailableSince;
        LastError = lastError;
    }

    /// <summary>Gets whether the store is answering. While it is not, every process calls STS on its own.</summary>
    public bool IsAvailable { get; }

    /// <summary>Gets a short state name, for example <c>Closed</c>, <c>Open</c> or <c>HalfOpen</c>.</summary>
    public string State { get; }

    /// <summary>Gets since when the store has been unavailable, if it is.</summary>
    public DateTimeOffset? UnavailableSince { get; }

    /// <summary>Gets the type or code of the last failure (for example <c>RedisConnectionException</c>), if any.</summary>
    public string? LastError { get; }

    /// <inheritdoc />
    public override string ToString() =>
        IsAvailable ? $"available ({State})" : $"unavailable ({State}) since {UnavailableSince:O}, last error {LastError ?? "none"}";
}
