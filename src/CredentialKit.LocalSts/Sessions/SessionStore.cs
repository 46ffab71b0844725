using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CredentialKit.LocalSts.Sessions;

/// <summary>Issued sessions by access key id; thread-safe.</summary>
internal sealed class SessionStore
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private readonly ConcurrentDictionary<string, LocalStsSession> _sessions = new(StringComparer.Ordinal);

    public LocalStsSession? Find(string accessKeyId) => _sessions.TryGetValue(accessKeyId, out var s) ? s : null;

    public IReadOnlyList<LocalStsSession> All => [.. _sessions.Values.OrderBy(s => s.IssuedAt)];

    public void Add(LocalStsSession session) => _sessions[session.AccessKeyId] = session;

    public static string NewAccessKeyId() => "ASIA" + RandomString(16);

    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));

    // One line, base64, long like real tokens; the prefix mimics the real ones so logs look familiar.
    public static string NewSessionToken() => "IQoJb3JpZ2luX2VjE" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(96));

    private static string RandomString(int length)
    {
        Span<byte> bytes = stackalloc byte[length];
        RandomNumberGenerator.Fill(bytes);
        return string.Create(length, bytes.ToArray(), static (span, b) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[b[i] % Alphabet.Length];
            }
        });
    }
}
