using System.Security.Cryptography;
using System.Text;

namespace CredentialKit;

/// <summary>A change to a hop's shared session, as published to every process; carries fingerprints only, never a secret.</summary>
public sealed class SharedSessionChange
{
    /// <summary>Creates a change notice.</summary>
    /// <param name="hopKey">The hop's fleet-wide fingerprint.</param>
    /// <param name="kind">What happened.</param>
    /// <param name="sessionId">The <see cref="SessionIdOf"/> fingerprint of the session concerned.</param>
    /// <exception cref="ArgumentException"><paramref name="hopKey"/> or <paramref name="sessionId"/> is empty.</exception>
    public SharedSessionChange(string hopKey, SharedSessionChangeKind kind, string sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(hopKey);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        HopKey = hopKey;
        Kind = kind;
        SessionId = sessionId;
    }

    /// <summary>Gets the hop's fleet-wide fingerprint.</summary>
    public string HopKey { get; }

    /// <summary>Gets what happened.</summary>
    public SharedSessionChangeKind Kind { get; }

    /// <summary>Gets the fingerprint of the session concerned (see <see cref="SessionIdOf"/>).</summary>
    public string SessionId { get; }

    /// <summary>
    /// Returns the fingerprint that names a session in change notices: a SHA-256 prefix of its access key id, so the
    /// notice identifies the session without showing even its masked key.
    /// </summary>
    /// <param name="credentials">The session.</param>
    /// <returns>32 upper-case hex digits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="credentials"/> is <see langword="null"/>.</exception>
    public static string SessionIdOf(SessionCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("credentialkit-session\n" + credentials.AccessKeyId)), 0, 16);
    }

    /// <summary>Gets whether this notice is about <paramref name="credentials"/>.</summary>
    /// <param name="credentials">A session held by this process.</param>
    /// <returns><see langword="true"/> when <paramref name="credentials"/> is the session concerned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="credentials"/> is <see langword="null"/>.</exception>
    public bool Concerns(SessionCredentials credentials) =>
        string.Equals(SessionId, SessionIdOf(credentials), StringComparison.Ordinal);

    /// <summary>Returns the kind and fingerprints; never a secret.</summary>
    /// <returns>For example <c>Written 3F2A… session 9C1B…</c>.</returns>
    public override string ToString() => $"{Kind} {HopKey} session {SessionId}";
}
