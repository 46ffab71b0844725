namespace CredentialKit;

/// <summary>
/// The <see cref="SessionCache"/>'s record of one hop's live session: who holds it, whether it waits in the idle pool,
/// whether it was retired, the lease it holds on its parent hop and its gauge slot. Only the cache reads and writes it,
/// under its lock; the session itself learns only that it is held or released.
/// </summary>
internal sealed class HopEntry(HopDefinition hop, RefreshingSession session)
{
    private int _handles;

    /// <summary>The hop the session was created for (the first definition with this key).</summary>
    public HopDefinition Hop { get; } = hop;

    public RefreshingSession Session { get; } = session;

    /// <summary>Gets the number of leases on this hop: users' handles, held child hops and signing calls.</summary>
    public int Handles
    {
        get => Volatile.Read(ref _handles);
        set => Volatile.Write(ref _handles, value);
    }

    /// <summary>Whether the entry is in the idle pool.</summary>
    public bool IsPooled { get; set; }

    /// <summary>Which idle-pool entry is this one's current one; a late eviction of an older one is ignored.</summary>
    public long PoolGeneration { get; set; }

    /// <summary>Whether the cache retired the entry: no lease can take it any more and its session is disposed.</summary>
    public bool IsRetired { get; set; }

    /// <summary>The lease this hop holds on its parent hop while it is held; none for the chain's first hop.</summary>
    public HopEntry? ParentLease { get; set; }

    /// <summary>The session's slot in the gauge table while it is held, else -1 (see <see cref="GaugeSlots"/>).</summary>
    public int GaugeSlot { get; set; } = -1;

    /// <summary>The next entry with the same fleet identity (the cache's index of fleet-shared hops).</summary>
    public HopEntry? NextInFleet { get; set; }

    /// <summary>
    /// Gets whether the entry may leave the idle pool: its session was disposed, or nobody holds it and its credentials
    /// expired. Read by the pool without the cache's lock.
    /// </summary>
    public bool CanLeaveCache => Session.IsDisposed || (Handles == 0 && Session.HasExpired);
}
