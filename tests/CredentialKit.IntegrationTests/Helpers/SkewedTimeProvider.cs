namespace CredentialKit.IntegrationTests.Helpers;

/// <summary>
/// The shared manual clock as another machine sees it: the same instant plus <see cref="Skew"/>. Timers and timestamps
/// are the underlying clock's, so advancing the manual clock still drives everything; only the wall-clock reading
/// differs. Lets a test make LocalSts consider a session expired while the provider, on the same clock, does not.
/// </summary>
internal sealed class SkewedTimeProvider(ManualTimeProvider inner) : TimeProvider
{
    private long _skewTicks;

    /// <summary>Gets or sets how far ahead of the manual clock this clock reads.</summary>
    public TimeSpan Skew
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _skewTicks));
        set => Interlocked.Exchange(ref _skewTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Skew;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
