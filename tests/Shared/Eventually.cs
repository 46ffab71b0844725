namespace CredentialKit.Testing;

/// <summary>
/// Waits for a condition that another thread makes true (a background refresh reaching the STS stub, a timer being
/// scheduled). The bound is a safety net against hangs, far above any real wait; no assertion depends on speed.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static async Task WaitAsync(Func<bool> condition, string what)
    {
        var started = Environment.TickCount64;
        while (!condition())
        {
            if (Environment.TickCount64 - started > Bound.TotalMilliseconds)
            {
                throw new TimeoutException($"Gave up waiting for: {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2));
        }
    }

    /// <summary>
    /// Completes <paramref name="task"/> by repeatedly advancing the manual clock to the next timer due within
    /// <paramref name="maxStep"/> (retry delays, attempt timeouts) whenever the work is parked on one.
    /// </summary>
    public static async Task<T> DriveAsync<T>(Task<T> task, ManualTimeProvider time, TimeSpan maxStep)
    {
        var started = Environment.TickCount64;
        while (!task.IsCompleted)
        {
            if (Environment.TickCount64 - started > Bound.TotalMilliseconds)
            {
                throw new TimeoutException("Gave up driving the clock.");
            }

            if (time.NextTimerDueIn is { } due && due <= maxStep)
            {
                time.Advance(due);
            }
            else
            {
                await Task.Delay(TimeSpan.FromMilliseconds(2));
            }
        }

        return await task;
    }
}
