using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace CredentialKit.LocalSts.Sessions;

/// <summary>
/// Issued sessions by access key id; thread-safe. Expired sessions are dropped (at most once per
/// <see cref="LocalStsDefaults.SessionPruneInterval"/> of server time, on the issue path), so memory stays flat over a long run.
/// </summary>
/// <remarks>
/// A dropped session must still answer <c>ExpiredToken</c>, not <c>InvalidClientTokenId</c>, as AWS does for a token however old.
/// So a session token is self-describing, like a real one: it carries its expiration, bound to its access key id by an HMAC
/// under a key only this server knows (<see cref="TryReadExpiration"/>); and the ids of dropped sessions are remembered (bounded,
/// <see cref="EndedSessions"/>) for the sessions whose token alone cannot tell (<see cref="HasEnded"/>).
/// </remarks>
internal sealed class SessionStore(TimeProvider time, bool retainExpired = false)
{
    private const string TokenPrefix = "IQoJb3JpZ2luX2VjE";
    private const int RandomBytes = 64;
    private const int MacBytes = 16;
    private readonly ConcurrentDictionary<string, LocalStsSession> _sessions = new(StringComparer.Ordinal);
    private readonly byte[] _tokenKey = RandomNumberGenerator.GetBytes(32);
    private readonly object _pruneGate = new();
    private readonly EndedSessions _ended = new(LocalStsDefaults.EndedSessionCapacity);
    private DateTimeOffset _nextPruneAt = DateTimeOffset.MinValue;

    public LocalStsSession? Find(string accessKeyId) => _sessions.TryGetValue(accessKeyId, out var s) ? s : null;

    public IReadOnlyList<LocalStsSession> All => [.. _sessions.Values.OrderBy(s => s.IssuedAt)];

    public int Count => _sessions.Count;

    public void Add(LocalStsSession session)
    {
        PruneIfDue();
        _sessions[session.AccessKeyId] = session;
    }

    /// <summary>Replaces a session (for example with one that expires now); false when it is not held.</summary>
    public bool Replace(LocalStsSession session)
    {
        if (!_sessions.TryGetValue(session.AccessKeyId, out var current))
        {
            return false;
        }

        return _sessions.TryUpdate(session.AccessKeyId, session, current);
    }

    /// <summary>Forgets every session, held or dropped (a fresh start).</summary>
    public void Clear()
    {
        _sessions.Clear();
        _ended.Clear();
    }

    /// <summary>Whether <paramref name="sessionToken"/> is a token this server minted for <paramref name="accessKeyId"/> whose session
    /// has ended: its own expiration has passed, or the store dropped the session after it expired.</summary>
    public bool HasEnded(string accessKeyId, string? sessionToken) =>
        TryReadExpiration(accessKeyId, sessionToken) is { } expiration && (expiration <= time.GetUtcNow() || _ended.Contains(accessKeyId));

    /// <summary>Drops every session that has expired at the server's current time, remembering its access key id.</summary>
    public int PruneExpired()
    {
        var now = time.GetUtcNow();
        var removed = 0;
        foreach (var (key, session) in _sessions)
        {
            if (session.IsExpiredAt(now) && _sessions.TryRemove(new KeyValuePair<string, LocalStsSession>(key, session)))
            {
                _ended.Add(key);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>A new temporary access key id that carries <paramref name="accountId"/> as AWS's do (GetAccessKeyInfo reads it).</summary>
    public static string NewAccessKeyId(string accountId) => AccessKeyIdFormat.NewTemporary(accountId);

    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));

    /// <summary>One line, base64, long like real tokens; the prefix mimics the real ones so logs look familiar.</summary>
    public string NewSessionToken(string accessKeyId, DateTimeOffset expiration)
    {
        var payload = new byte[RandomBytes + sizeof(long) + MacBytes];
        RandomNumberGenerator.Fill(payload.AsSpan(0, RandomBytes));
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(RandomBytes), expiration.ToUnixTimeSeconds());
        Mac(accessKeyId, payload.AsSpan(0, RandomBytes + sizeof(long))).CopyTo(payload.AsSpan(RandomBytes + sizeof(long)));
        return TokenPrefix + Convert.ToBase64String(payload);
    }

    /// <summary>The expiration a token minted by this server for <paramref name="accessKeyId"/> carries, or null for any other token.</summary>
    public DateTimeOffset? TryReadExpiration(string accessKeyId, string? sessionToken)
    {
        if (sessionToken is null || !sessionToken.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var payload = new byte[RandomBytes + sizeof(long) + MacBytes];
        if (!Convert.TryFromBase64String(sessionToken[TokenPrefix.Length..], payload, out var written) || written != payload.Length)
        {
            return null;
        }

        var expected = Mac(accessKeyId, payload.AsSpan(0, RandomBytes + sizeof(long)));
        if (!CryptographicOperations.FixedTimeEquals(expected, payload.AsSpan(RandomBytes + sizeof(long))))
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(RandomBytes)));
    }

    private void PruneIfDue()
    {
        if (retainExpired)
        {
            return;
        }

        var now = time.GetUtcNow();
        lock (_pruneGate)
        {
            if (now < _nextPruneAt)
            {
                return;
            }

            _nextPruneAt = now + LocalStsDefaults.SessionPruneInterval;
        }

        PruneExpired();
    }

    private byte[] Mac(string accessKeyId, ReadOnlySpan<byte> data)
    {
        var key = Encoding.ASCII.GetBytes(accessKeyId);
        var input = new byte[key.Length + data.Length];
        key.CopyTo(input, 0);
        data.CopyTo(input.AsSpan(key.Length));
        return HMACSHA256.HashData(_tokenKey, input)[..MacBytes];
    }
}
