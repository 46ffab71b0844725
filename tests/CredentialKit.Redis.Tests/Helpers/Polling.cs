namespace CredentialKit.Redis.Tests.Helpers;

/// <summary>
/// Repeats an async attempt until it yields a value: for outcomes that follow a real Redis TTL. The bound is a safety net
/// against hangs, far above any real wait; no assertion depends on how long it took.
/// </summary>
internal static class Polling
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static async Task<T> UntilAsync<T>(Func<Task<T?>> attempt, string what, TimeSpan? bound = null)
        where T : class
    {
        var limit = bound ?? Bound;
        var started = Environment.TickCount64;
        while (true)
        {
            if (await attempt() is { } value)
            {
                return value;
            }

            if (Environment.TickCount64 - started > limit.TotalMilliseconds)
            {
                throw new TimeoutException($"Gave up waiting for: {what}");
            }

            await Task.Yield();
            await Task.Delay(TimeSpan.FromMilliseconds(5));
        }
    }
}
