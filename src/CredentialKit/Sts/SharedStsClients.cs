using Amazon.Runtime;

namespace CredentialKit;

/// <summary>
/// The STS clients of one <see cref="SessionCache"/>, shared by signer and endpoint: every hop signed by the same parent
/// hop (or the same source credentials) with the same <see cref="StsOptions"/> sends its calls through one set of
/// <see cref="RegionalStsClients"/> and one signing handle on the parent. 100,000 <c>ForRole</c> tenants of one hub are
/// one SDK client and one connection pool, not 100,000 (about 4 KB each, plus a connection pool per client).
/// </summary>
/// <remarks>
/// Entries are counted: each hop's fetcher rents one while its session lives and returns it when disposed; the last return
/// disposes the clients. The signing handle is a chain-internal handle on the parent hop: it holds the parent's session
/// while any child hop is active (<see cref="ChainedCredentialProvider.Activate"/> counts them all).
/// </remarks>
internal sealed class SharedStsClients : IDisposable
{
    private readonly Dictionary<Key, Entry> _entries = [];
    private readonly IStsClientFactory _factory;
    private bool _disposed;

    public SharedStsClients(IStsClientFactory factory) => _factory = factory;

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

    /// <summary>One set of clients and the handle that signs with the parent's session.</summary>
    internal sealed class Entry
    {
        private readonly SharedStsClients _owner;

        public Entry(SharedStsClients owner, Key id, RegionalStsClients clients, ChainedCredentialProvider? parent)
        {
            _owner = owner;
            Id = id;
            Clients = clients;
            Parent = parent;
        }

        public RegionalStsClients Clients { get; }

        /// <summary>Gets the handle on the parent hop whose session signs these clients' calls; none for source credentials.</summary>
        public ChainedCredentialProvider? Parent { get; }

        internal int Leases { get; set; }

        internal Key Id { get; }

        /// <summary>Returns one rent; the last return disposes the clients.</summary>
        public void Return() => _owner.Return(this);
    }
}

/// <summary>
/// What signs a hop's STS calls: the session of its parent hop, or the chain's source credentials for the first hop.
/// <see cref="Key"/> identifies it (the parent hop's key, or the source's fingerprint), so hops with the same signer share
/// STS clients (<see cref="SharedStsClients"/>).
/// </summary>
internal sealed class HopSigner
{
    private readonly HopDefinition? _parentHop;
    private readonly AWSCredentials? _source;

    private HopSigner(string key, HopDefinition? parentHop, AWSCredentials? source)
    {
        Key = key;
        _parentHop = parentHop;
        _source = source;
    }

    public string Key { get; }

    /// <summary>Signs with the session of <paramref name="parent"/>.</summary>
    public static HopSigner Of(HopDefinition parent) => new(parent.Key, parent, null);

    /// <summary>Signs with source credentials identified by <paramref name="key"/>.</summary>
    public static HopSigner Of(string key, AWSCredentials source) => new(key, null, source);

    /// <summary>Creates the signing credentials: for a parent hop, a chain-internal handle on it and its SDK adapter.</summary>
    public (AWSCredentials Credentials, ChainedCredentialProvider? Parent) Create(SessionCache cache)
    {
        if (_parentHop is null)
        {
            return (_source!, null);
        }

        var parent = new ChainedCredentialProvider(cache, _parentHop, ownsCache: false);
        // Not healed by the SDK pipeline's step: AssumeRoleFetcher renews a parent STS rejected itself.
        return (new ProviderAwsCredentials(parent, healRejectedSessions: false), parent);
    }
}
