namespace CredentialKit.LocalSts.Soak;

/// <summary>A clock the soak moves forward itself (so a million requests span hours of server time and sessions expire);
/// timers stay the system's.</summary>
internal sealed class SteppedClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
