namespace CredentialKit;

/// <summary>
/// One moment read on both of the process's clocks: the wall clock (<see cref="TimeProvider.GetUtcNow"/>), which NTP,
/// a restored VM snapshot or an operator can step in either direction, and the timestamp
/// (<see cref="TimeProvider.GetTimestamp"/>), which never steps but stops while the machine is suspended.
/// </summary>
/// <param name="Wall">The wall-clock instant.</param>
/// <param name="Timestamp">The timestamp, in <paramref name="Frequency"/> ticks per second.</param>
/// <param name="Frequency">The timestamp's ticks per second (<see cref="TimeProvider.TimestampFrequency"/>).</param>
internal readonly record struct ClockReading(DateTimeOffset Wall, long Timestamp, long Frequency)
{
    /// <summary>Reads both clocks of <paramref name="time"/>.</summary>
    public static ClockReading Now(TimeProvider time) => new(time.GetUtcNow(), time.GetTimestamp(), time.TimestampFrequency);

    /// <summary>The timestamp ticks that make up <paramref name="duration"/>, saturating instead of overflowing.</summary>
    public long ToTimestampTicks(TimeSpan duration)
    {
        // Through double: TimeSpan ticks times a nanosecond frequency overflows a long beyond about 10 days.
        var ticks = duration.Ticks * (double)Frequency / TimeSpan.TicksPerSecond;
        return ticks >= long.MaxValue ? long.MaxValue : ticks <= long.MinValue ? long.MinValue : (long)ticks;
    }

    /// <summary>The duration of <paramref name="timestampTicks"/> timestamp ticks.</summary>
    public TimeSpan FromTimestampTicks(long timestampTicks)
    {
        var ticks = timestampTicks * (double)TimeSpan.TicksPerSecond / Frequency;
        return ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : ticks <= TimeSpan.MinValue.Ticks ? TimeSpan.MinValue : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>
    /// How long has really passed since <paramref name="earlier"/>, as pessimistically as the two clocks allow: the
    /// longer of what each measured, because a step back shortens the wall clock's figure and a suspend the timestamp's.
    /// </summary>
    public TimeSpan ElapsedSince(ClockReading earlier)
    {
        var wall = Wall - earlier.Wall;
        var monotonic = FromTimestampTicks(Timestamp - earlier.Timestamp);
        return wall > monotonic ? wall : monotonic;
    }
}
