namespace CredentialKit.LocalSts.Faults;

/// <summary>A token bucket refilled on a <see cref="TimeProvider"/>'s timestamp; callers lock around it.</summary>
internal sealed class TokenBucket(LocalStsRateLimit limit, TimeProvider time)
{
    private double _tokens = limit.Burst;
    private long _last = time.GetTimestamp();

    public bool TryTake()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(limit.Burst, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * limit.RequestsPerSecond));
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}
