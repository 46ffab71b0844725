namespace CredentialKit.Redis;

/// <summary>
/// The fleet STS budget's Lua script: a generic cell rate algorithm (GCRA) on one key per bucket, run atomically by Redis
/// on Redis's own clock (<c>TIME</c>), so every process of the fleet draws from one bucket without a lock and without
/// trusting its own clock.
/// </summary>
/// <remarks>
/// The key holds the bucket's theoretical arrival time (TAT) in microseconds. A call is allowed when
/// <c>now ≥ TAT − tolerance</c>, and then moves TAT on by one emission interval (1/rate); so calls are spaced 1/rate apart
/// after a burst of at most <c>tolerance / interval + 1</c>, and any one-second window sees at most rate + burst. Urgent
/// calls get the full tolerance (burst − 1 intervals); the others a tolerance smaller by the reserve, so while a warm-up
/// keeps the bucket busy, the reserve is left for refreshes of sessions about to become unusable. The key expires when
/// the bucket is full again, so an idle bucket costs nothing.
/// </remarks>
internal static class FleetStsBudgetScript
{
    /// <summary>KEYS[1]: the bucket; ARGV[1]: the emission interval (µs); ARGV[2]: this call's tolerance (µs). Returns −1 when granted, else the µs to wait.</summary>
    public const string Lua = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local interval = tonumber(ARGV[1])
        local tolerance = tonumber(ARGV[2])
        local tat = tonumber(redis.call('GET', KEYS[1]))
        if tat == nil or tat < now then tat = now end
        local allowAt = tat - tolerance
        if now < allowAt then return allowAt - now end
        local newTat = tat + interval
        redis.call('SET', KEYS[1], string.format('%.0f', newTat), 'PX', math.floor((newTat - now) / 1000) + 1000)
        return -1
        """;

    /// <summary>The emission interval of <paramref name="requestsPerSecond"/>, in µs, rounded up so the rate is never exceeded.</summary>
    public static long IntervalMicroseconds(int requestsPerSecond) => (1_000_000 + requestsPerSecond - 1) / requestsPerSecond;

    /// <summary>
    /// The tolerance of one call, in µs: urgent calls may use the whole burst; the others leave
    /// <see cref="ReservedForUrgent"/> permits of it.
    /// </summary>
    public static long ToleranceMicroseconds(int requestsPerSecond, int burst, bool urgent)
    {
        var slots = urgent ? burst - 1 : Math.Max(0, burst - 1 - ReservedForUrgent(burst));
        return slots * IntervalMicroseconds(requestsPerSecond);
    }

    /// <summary>How many of a burst's permits only urgent calls may take: a fifth, rounded down.</summary>
    public static int ReservedForUrgent(int burst) => (int)(burst * UrgentReserveShare);

    /// <summary>The share of a bucket's burst that only urgent calls may take.</summary>
    public const double UrgentReserveShare = 0.2;
}
