namespace CredentialKit.Benchmarks.Infrastructure;

/// <summary>
/// The system clock, except that <see cref="GetTimestamp"/> can be moved ahead by hand. Invalidations coalesce for a
/// short window measured with timestamps; a benchmark that invalidates on every operation steps past that window so each
/// operation still measures a real refresh, while wall-clock time (and so session expiry) stays real.
/// </summary>
internal sealed class SteppingTimestampClock : TimeProvider
{
    private long _offset;

    /// <summary>Moves timestamps (not the wall clock) ahead by <paramref name="delta"/>.</summary>
    public void Step(TimeSpan delta) => Interlocked.Add(ref _offset, (long)(delta.TotalSeconds * TimestampFrequency));

    /// <inheritdoc />
    public override long GetTimestamp() => System.GetTimestamp() + Interlocked.Read(ref _offset);

    /// <inheritdoc />
    public override long TimestampFrequency => System.TimestampFrequency;
}
