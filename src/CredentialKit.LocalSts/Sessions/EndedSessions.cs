namespace CredentialKit.LocalSts.Sessions;

/// <summary>
/// The access key ids of sessions the store has dropped after they expired, oldest first, at most
/// <see cref="LocalStsDefaults.EndedSessionCapacity"/> of them; thread-safe.
/// </summary>
/// <remarks>
/// A dropped session's token still says when it would have ended, which covers a natural expiry. It cannot cover a session
/// ended early (<c>sessions/{id}/expire</c>, <see cref="LocalStsServer.ExpireSession"/>) nor one dropped while the server
/// clock ran ahead and was then set back: its token still claims validity. This list answers for those, so the credentials keep
/// getting <c>ExpiredToken</c> (the code that makes every SDK refresh) rather than <c>InvalidClientTokenId</c>. An entry is an
/// access key id only (about 100 bytes), so even a full list stays near 10 MB; past the cap the oldest entries go first.
/// </remarks>
internal sealed class EndedSessions(int capacity)
{
    private readonly object _gate = new();
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ids.Count;
            }
        }
    }

    public void Add(string accessKeyId)
    {
        lock (_gate)
        {
            if (!_ids.Add(accessKeyId))
            {
                return;
            }

            _order.Enqueue(accessKeyId);
            while (_order.Count > capacity)
            {
                _ids.Remove(_order.Dequeue());
            }
        }
    }

    public bool Contains(string accessKeyId)
    {
        lock (_gate)
        {
            return _ids.Contains(accessKeyId);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _ids.Clear();
            _order.Clear();
        }
    }
}
