namespace CredentialKit;

/// <summary>A shared session as a store holds it, with how long it has left by the store's own reckoning.</summary>
/// <remarks>
/// Processes of a fleet disagree about the time, and STS's clock is another again: a session's
/// <see cref="SessionCredentials.Expiration"/> read on an adopter's clock can be minutes off. A remaining lifetime
/// measured on STS's clock by the process that got the session, and counted down by the store (a Redis TTL), needs no
/// clock to agree with any other.
/// </remarks>
public sealed class SharedSessionEntry
{
    /// <summary>Creates an entry.</summary>
    /// <param name="credentials">The shared session.</param>
    /// <param name="remainingLifetime">
    /// How long the session has left now, on STS's clock, as the store counts it down; <see langword="null"/> when the
    /// store cannot tell (readers then read <see cref="SessionCredentials.Expiration"/> on their own clock).
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="credentials"/> is <see langword="null"/>.</exception>
    public SharedSessionEntry(SessionCredentials credentials, TimeSpan? remainingLifetime)
    {
        Credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        RemainingLifetime = remainingLifetime;
    }

    /// <summary>Gets the shared session.</summary>
    public SessionCredentials Credentials { get; }

    /// <summary>Gets how long the session had left when the store answered, if the store can tell.</summary>
    public TimeSpan? RemainingLifetime { get; }
}
