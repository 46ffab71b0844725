using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CredentialKit;

/// <summary>
/// The refresh jitter of a hop a fleet shares: drawn from the hop's fleet key and the session's expiry, so every process
/// that holds the same shared session plans the same draw.
/// </summary>
/// <remarks>
/// With a per-process draw, the fleet refreshes a shared role at the earliest of its processes' moments, which for
/// thousands of processes is practically the start of the jitter range: every role first used together refreshes
/// together, each cycle, a burst over the account's STS quota (docs/benchmarks.md, fleet-model). With this draw a role's
/// fleet-wide moment is one uniform point of the range, and different roles (and cycles) fall at different points. The
/// processes that reach the moment together meet at the store's lease: one calls STS, the others adopt its session.
/// </remarks>
internal static class FleetJitter
{
    /// <summary>The draw for <paramref name="credentials"/> when <paramref name="fetcher"/> shares its hop; else none (draw at random).</summary>
    public static double? For(ISessionFetcher fetcher, SessionCredentials credentials) =>
        fetcher is SharedSessionFetcher shared ? Draw(shared.HopKey, credentials.Expiration) : null;

    /// <summary>A uniform value in [0, 1), the same in every process for the same hop key and expiry.</summary>
    public static double Draw(string hopKey, DateTimeOffset expiration)
    {
        var text = Encoding.UTF8.GetBytes(hopKey);
        var input = new byte[text.Length + sizeof(long)];
        text.CopyTo(input, 0);
        BinaryPrimitives.WriteInt64LittleEndian(input.AsSpan(text.Length), expiration.UtcTicks);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);

        // The top 53 bits, as Random.NextDouble builds a double: uniform over [0, 1).
        return (BinaryPrimitives.ReadUInt64LittleEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }
}
