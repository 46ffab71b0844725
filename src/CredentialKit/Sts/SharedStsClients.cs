namespace CredentialKit;

/// <summary>
/// The STS clients of one <see cref="SessionCache"/>, shared by signer and endpoint: every hop signed by the same parent
/// hop (or the same source credentials) with the same <see cref="StsOptions"/> sends its calls through one set of
/// <see cref="RegionalStsClients"/> and one <see cref="ParentSessionCredentials"/>. The many <c>ForRole</c> tenants of one hub
/// are one SDK client and one connection pool, not one each.
/// </summary>
/// <remarks>
/// Entries are counted: each hop's fetcher rents one while its session lives and returns it when disposed; the last return
/// disposes the clients. The signer holds no lease on the parent hop: a held child hop does (see <see cref="HopEntry"/>).
/// </remarks>
internal sealed class SharedStsClients : IDisposable
{
    private readonly Dictionary<Key, Entry> _entries = [];
    private bool _disposed;

    /// <summary>Gets the number of client sets in use; for tests and benchmarks.</summary>
    internal int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Rents the clients for hops signed by <paramref name="signer"/> with <paramref name="sts"/>, creating them (and the
    /// signer) on first use. Return the entry with <see cref="Entry.Return"/> once.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    public Entry Rent(HopSigner signer, StsOptions sts, SessionCache cache)
    {
        var key = new Key(signer.Key, sts.ServiceUrl, sts.Region, sts.AuthenticationRegion, sts.FallbackKey());
        lock (_entries)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_entries.TryGetValue(key, out var entry))
            {
                var (credentials, parent) = signer.Create(cache);
                entry = new Entry(this, key, new RegionalStsClients(credentials, sts, cache.Context), parent);
                _entries.Add(key, entry);
            }

            entry.Leases++;
            return entry;
        }
    }

    /// <summary>Disposes every client set still rented (the cache is being disposed).</summary>
    public void Dispose()
    {
        Entry[] entries;
        lock (_entries)
        {
            _disposed = true;
            entries = [.. _entries.Values];
            _entries.Clear();
        }

        foreach (var entry in entries)
        {
            entry.Clients.Dispose();
        }
    }

    private void Return(Entry entry)
    {
        lock (_entries)
        {
            if (--entry.Leases > 0 || !_entries.Remove(entry.Id))
            {
                return;
            }
        }

        entry.Clients.Dispose();
    }

    internal readonly record struct Key(string Signer, string? ServiceUrl, string? Region, string? AuthenticationRegion, string FallbackRegions);

    /// <summary>One set of clients and what signs with the parent's session.</summary>
    internal sealed class Entry
    {
        private readonly SharedStsClients _owner;

        public Entry(SharedStsClients owner, Key id, RegionalStsClients clients, ParentSessionCredentials? parent)
        {
            _owner = owner;
            Id = id;
            Clients = clients;
            Parent = parent;
        }

        public RegionalStsClients Clients { get; }

        /// <summary>Gets the parent hop's session that signs these clients' calls; none for source credentials.</summary>
        public ParentSessionCredentials? Parent { get; }

        internal int Leases { get; set; }

        internal Key Id { get; }

        /// <summary>Returns one rent; the last return disposes the clients.</summary>
        public void Return() => _owner.Return(this);
    }
}
