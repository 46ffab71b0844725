namespace CredentialKit;

/// <summary>
/// What the hot path reads: the current credentials and the two instants that decide what a caller gets.
/// Immutable, swapped atomically as a whole.
/// </summary>
/// <param name="Credentials">The session handed out.</param>
/// <param name="RefreshAt">From here on a caller starts (or joins) a background refresh and still gets <paramref name="Credentials"/>.</param>
/// <param name="UsableUntil">From here on less than the minimum lifetime is left: callers wait for a new session.</param>
internal sealed record SessionSnapshot(SessionCredentials Credentials, DateTimeOffset RefreshAt, DateTimeOffset UsableUntil);
