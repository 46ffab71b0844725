namespace CredentialKit;

/// <summary>
/// A moment planned on both of the process's clocks (see <see cref="ClockReading"/>): it is reached as soon as either
/// clock says so. A wall clock stepped back cannot postpone it (the timestamp reaches it on time), and a suspend
/// cannot either (the wall clock kept counting while the timestamp stood still); a wall clock stepped forward only
/// brings it forward, which costs an early refresh and never an expired session.
/// </summary>
/// <param name="Wall">The moment on the wall clock.</param>
/// <param name="Timestamp">The same moment on the timestamp.</param>
internal readonly record struct Deadline(DateTimeOffset Wall, long Timestamp)
{
    /// <summary>A deadline never reached.</summary>
    public static readonly Deadline Never = new(DateTimeOffset.MaxValue, long.MaxValue);

    /// <summary>The deadline <paramref name="delay"/> after <paramref name="now"/> on both clocks.</summary>
    public static Deadline After(ClockReading now, TimeSpan delay)
    {
        var wall = delay >= DateTimeOffset.MaxValue - now.Wall ? DateTimeOffset.MaxValue
            : delay <= DateTimeOffset.MinValue - now.Wall ? DateTimeOffset.MinValue
            : now.Wall + delay;
        var ticks = now.ToTimestampTicks(delay);
        var timestamp = ticks > 0 && now.Timestamp > long.MaxValue - ticks ? long.MaxValue
            : ticks < 0 && now.Timestamp < long.MinValue - ticks ? long.MinValue
            : now.Timestamp + ticks;
        return new Deadline(wall, timestamp);
    }

    /// <summary>Whether the deadline has passed at <paramref name="now"/>, on either clock.</summary>
    public bool IsReachedAt(ClockReading now) => now.Wall >= Wall || now.Timestamp >= Timestamp;

    /// <summary>How long is left until the deadline at <paramref name="now"/>: the shorter of the two clocks' figures.</summary>
    public TimeSpan RemainingAt(ClockReading now)
    {
        var wall = Wall - now.Wall;
        var monotonic = now.FromTimestampTicks(Timestamp - now.Timestamp);
        return wall < monotonic ? wall : monotonic;
    }

    /// <summary>
    /// How far the two clocks disagree about the time left at <paramref name="now"/>: the wall clock's figure minus the
    /// timestamp's. Zero while neither stepped nor slept since the deadline was planned; negative after a step back.
    /// </summary>
    public TimeSpan DivergenceAt(ClockReading now) => (Wall - now.Wall) - now.FromTimestampTicks(Timestamp - now.Timestamp);

    /// <summary>
    /// The same deadline planned again from <paramref name="now"/>, on the shorter of the two clocks' figures: after a
    /// jump both clocks agree again, so a later jump the other way (a step back, then a suspend) still counts.
    /// </summary>
    public Deadline RebasedAt(ClockReading now) => After(now, RemainingAt(now));
}
