using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;

namespace CredentialKit.Benchmarks.Infrastructure;

/// <summary>
/// Wraps the <see cref="MemoryCache"/> a <see cref="SessionCache"/> keeps its sessions in and counts why entries leave
/// it, so a simulation can tell an expired session from one evicted early.
/// </summary>
internal sealed class ReasonRecordingCache(MemoryCache inner) : IMemoryCache
{
    public ConcurrentDictionary<EvictionReason, int> Reasons { get; } = new();

    public Func<string>? Describe { get; set; }

    public ICacheEntry CreateEntry(object key)
    {
        var entry = inner.CreateEntry(key);
        entry.PostEvictionCallbacks.Add(new PostEvictionCallbackRegistration
        {
            EvictionCallback = (_, value, reason, _) =>
            {
                Reasons.AddOrUpdate(reason, 1, static (_, n) => n + 1);
                if (reason != EvictionReason.Replaced && Environment.GetEnvironmentVariable("SOAK_DEBUG") is not null)
                {
                    Console.WriteLine($"evicted ({reason}) {Describe?.Invoke()} session expiration {(value as RefreshingSession)?.CurrentCredentials?.Expiration:O}");
                }
            },
        });
        return entry;
    }

    public void Remove(object key) => inner.Remove(key);

    public bool TryGetValue(object key, out object? value) => inner.TryGetValue(key, out value);

    public void Dispose() => inner.Dispose();
}
