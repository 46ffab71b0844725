using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CredentialKit;

/// <summary>
/// The jitter draw of a hop that a fleet shares: an offset drawn from the hop's fleet key, the same in every process, so
/// that the fleet's refreshes of different roles spread over the jitter window; plus a small per-process spread around
/// that offset, so that the processes of the fleet do not wake at the same moment.
/// </summary>
/// <remarks>
/// With a per-process draw alone the fleet refreshes a role at the earliest of N uniform moments, i.e. at the start of the
/// window for every role; with the fleet offset alone every process of the fleet wakes together and contends for the lease.
/// The result stays in [0, 1], the range <see cref="RefreshSchedule"/> scales into the part of the window before the
/// minimum-lifetime point, so no draw moves a refresh past that point.
/// </remarks>
internal static class FleetRefreshJitter
{
    /// <summary>
    /// The half-width of the per-process spread around the fleet offset, as a share of the jitter range: wide enough that
    /// the fleet's processes wake over a span (a 1-hour session's 7-minute range gives about ±21 s), narrow enough that the
    /// fleet's refresh of a role (the earliest process) stays near the role's own offset.
    /// </summary>
    public const double ProcessSpread = 0.05;

    /// <summary>The fleet offset of <paramref name="fleetKey"/>: uniform in [0, 1) over keys, identical in every process.</summary>
    public static double FleetOffset(string fleetKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(fleetKey);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(fleetKey), hash);
        // 53 bits: every value exactly representable as a double in [0, 1).
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>
    /// The jitter draw for one process: the fleet offset mapped into [<see cref="ProcessSpread"/>, 1 − <see cref="ProcessSpread"/>],
    /// moved by up to ±<see cref="ProcessSpread"/> by <paramref name="processRandom"/> (uniform in [0, 1)).
    /// </summary>
    public static double Draw(double fleetOffset, double processRandom)
    {
        var centre = ProcessSpread + (fleetOffset * (1 - (2 * ProcessSpread)));
        var draw = centre + (ProcessSpread * ((2 * processRandom) - 1));
        return Math.Clamp(draw, 0, 1);
    }

    /// <summary>A jitter source for the hop <paramref name="fleetKey"/>: <see cref="Draw"/> over <paramref name="random"/>.</summary>
    public static Func<double> For(string fleetKey, Func<double> random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var offset = FleetOffset(fleetKey);
        return () => Draw(offset, random());
    }
}
