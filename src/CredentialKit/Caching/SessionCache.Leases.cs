using Microsoft.Extensions.Caching.Memory;

namespace CredentialKit;

/// <summary>
/// The cache owns every hop's lifetime. A lease on a hop holds its session; the first lease on a hop first leases its
/// parent hop (so a chain is held from its first hop up), and the last release lets the hop go to the idle pool, then
/// releases its parent (from the top down). All of it under the cache's lock, so a hop is held exactly while it has a
/// lease, however acquisitions and releases interleave, and the idle pool can retire only a hop nobody leases.
/// </summary>
public sealed partial class SessionCache
{
    /// <summary>The entries of fleet-shared hops by fleet identity, chained through <see cref="HopEntry.NextInFleet"/>.</summary>
    private readonly Dictionary<string, HopEntry> _fleetIndex = new(StringComparer.Ordinal);

    /// <summary>
    /// Leases <paramref name="hop"/>: its live session, or a new one (without calling STS), held with its parent chain
    /// until <see cref="Release"/>. A held hop is never evicted.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    internal HopEntry Acquire(HopDefinition hop)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return AcquireLocked(hop);
        }
    }

    /// <summary>Releases a lease taken by <see cref="Acquire"/>; a hop nobody leases any more goes to the idle pool.</summary>
    internal void Release(HopEntry entry)
    {
        lock (_gate)
        {
            if (!_disposed && !entry.IsRetired)
            {
                ReleaseLocked(entry);
            }
        }
    }

    /// <summary>Gets the live session of <paramref name="hop"/> if the cache has one; it is not leased.</summary>
    internal RefreshingSession? LiveSession(HopDefinition hop) =>
        _entries.TryGetValue(hop.Key, out var entry) && !entry.IsRetired ? entry.Session : null;

    /// <summary>The sessions of a held hop and of the hops it leases, from it to the chain's first hop; for tests.</summary>
    internal IReadOnlyList<RefreshingSession> ChainOf(HopEntry entry)
    {
        var chain = new List<RefreshingSession>();
        lock (_gate)
        {
            for (var hop = entry; hop is not null; hop = hop.ParentLease)
            {
                chain.Add(hop.Session);
            }
        }

        return chain;
    }

    // Called under _gate.
    private HopEntry AcquireLocked(HopDefinition hop)
    {
        var entry = GetOrCreateLocked(hop);
        if (entry.Handles == 0)
        {
            // Bottom-up: the parent chain is held before this hop is.
            entry.ParentLease = entry.Hop.Parent is { } parent ? AcquireLocked(parent) : null;
            if (entry.IsPooled)
            {
                entry.IsPooled = false;
                entry.PoolGeneration++;
                _idlePool.Remove(entry.Hop.Key);
            }

            entry.GaugeSlot = Context.Telemetry.Track(entry.Session);
            entry.Session.OnHeld(entry.GaugeSlot);
        }

        entry.Handles++;
        return entry;
    }

    // Called under _gate.
    private void ReleaseLocked(HopEntry entry)
    {
        if (--entry.Handles > 0)
        {
            return;
        }

        // Top-down: this hop stops (timer, gauge) and waits in the pool before its parent is released.
        entry.Session.OnReleased();
        Context.Telemetry.Untrack(entry.GaugeSlot);
        entry.GaugeSlot = -1;
        entry.IsPooled = true;
        Pool(entry, ++entry.PoolGeneration);

        var parent = entry.ParentLease;
        entry.ParentLease = null;
        if (parent is not null)
        {
            ReleaseLocked(parent);
        }
    }

    // Called under _gate.
    private HopEntry GetOrCreateLocked(HopDefinition hop)
    {
        if (_entries.TryGetValue(hop.Key, out var entry))
        {
            return entry;
        }

        entry = new HopEntry(hop, hop.CreateSession(this));
        _entries[hop.Key] = entry;
        if (_sharedSessions is not null && hop.Chain.FleetIdentity is { } fleetKey)
        {
            entry.NextInFleet = _fleetIndex.GetValueOrDefault(fleetKey);
            _fleetIndex[fleetKey] = entry;
        }

        return entry;
    }

    // Called under _gate.
    private void Pool(HopEntry entry, long generation)
    {
        var options = new MemoryCacheEntryOptions { Size = 1, Priority = entry.Hop.Priority };
        options.AddExpirationToken(new SessionExpiryToken(entry));
        options.RegisterPostEvictionCallback(static (_, value, reason, state) =>
        {
            if (value is IdlePoolEntry evicted)
            {
                ((SessionCache)state!).OnEvicted(evicted, reason);
            }
        }, this);

        // A full pool refuses the entry (EvictionReason.Capacity) and compacts: the callback then retires this hop.
        _idlePool.Set(entry.Hop.Key, new IdlePoolEntry(entry, generation), options);
    }

    private void OnEvicted(IdlePoolEntry evicted, EvictionReason reason)
    {
        var entry = evicted.Entry;
        lock (_gate)
        {
            // Replaced or removed by us, leased again since, or already gone: nothing to do.
            if (_disposed || evicted.Generation != entry.PoolGeneration || !entry.IsPooled || entry.Handles > 0)
            {
                return;
            }

            entry.IsPooled = false;
            entry.IsRetired = true;
            _entries.TryRemove(new KeyValuePair<string, HopEntry>(entry.Hop.Key, entry));
            RemoveFromFleetIndex(entry);
        }

        // Nobody leases it and no lease can take it any more: stop everything it owns.
        entry.Session.Dispose();
        Evicted?.Invoke(entry.Session, reason);
    }

    // Called under _gate.
    private void RemoveFromFleetIndex(HopEntry entry)
    {
        if (entry.Hop.Chain.FleetIdentity is not { } fleetKey || !_fleetIndex.TryGetValue(fleetKey, out var first))
        {
            return;
        }

        if (ReferenceEquals(first, entry))
        {
            if (entry.NextInFleet is { } next)
            {
                _fleetIndex[fleetKey] = next;
            }
            else
            {
                _fleetIndex.Remove(fleetKey);
            }

            return;
        }

        for (var previous = first; previous.NextInFleet is { } candidate; previous = candidate)
        {
            if (ReferenceEquals(candidate, entry))
            {
                previous.NextInFleet = entry.NextInFleet;
                return;
            }
        }
    }

    /// <summary>The sessions of the hops with fleet identity <paramref name="fleetKey"/> (usually one).</summary>
    private List<RefreshingSession> SessionsInFleet(string fleetKey)
    {
        var sessions = new List<RefreshingSession>(1);
        lock (_gate)
        {
            for (var entry = _fleetIndex.GetValueOrDefault(fleetKey); entry is not null; entry = entry.NextInFleet)
            {
                sessions.Add(entry.Session);
            }
        }

        return sessions;
    }
}
