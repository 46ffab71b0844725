using StackExchange.Redis;

namespace CredentialKit.Redis;

// The store's change notices: the message format on the channel, and delivery to this process's subscribers.
public sealed partial class RedisSharedSessionStore
{
    private static RedisValue Notice(SharedSessionChangeKind kind, string hopKey, SessionCredentials credentials) =>
        $"{(kind == SharedSessionChangeKind.Written ? 'W' : 'R')}|{hopKey}|{SharedSessionChange.SessionIdOf(credentials)}";

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var parts = ((string?)message)?.Split('|');
        if (parts is not { Length: 3 } || parts[0] is not ("W" or "R") || parts[1].Length == 0 || parts[2].Length == 0)
        {
            RedisStoreLog.MalformedNotification(_logger);
            return;
        }

        var change = new SharedSessionChange(parts[1], parts[0] == "W" ? SharedSessionChangeKind.Written : SharedSessionChangeKind.Removed, parts[2]);
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            try
            {
                subscriber(change);
            }
            catch (Exception ex)
            {
                RedisStoreLog.SubscriberFailed(_logger, ex.GetType().Name);
            }
        }
    }

    private void Unsubscribe(Action<SharedSessionChange> onChange)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, onChange))];
        }
    }

    private sealed class Subscription(RedisSharedSessionStore store, Action<SharedSessionChange> onChange) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            store.Unsubscribe(onChange);
            return ValueTask.CompletedTask;
        }
    }
}
