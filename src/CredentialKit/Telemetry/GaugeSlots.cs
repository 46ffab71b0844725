namespace CredentialKit;

/// <summary>
/// What the gauges read about each held session, in a flat table the collector scans in order, so one collection reads
/// memory sequentially instead of chasing session → snapshot → credentials pointers across the heap, and allocates
/// nothing per session (collection cost at 100,000 sessions: docs/benchmarks.md).
/// </summary>
/// <remarks>
/// A session writes its slot whenever its snapshot changes, under its own lock; the collector reads without one, so it
/// may see a slot halfway through an update (one field new, one old) for one collection, which a gauge tolerates. Slots
/// live in fixed chunks that never move, so a write never lands in a table the collector has stopped reading. Rent and
/// return take this table's lock; they happen when a session gains its first handle or loses its last.
/// </remarks>
internal sealed class GaugeSlots
{
    private const int ChunkSize = 1024;

    private readonly object _gate = new();
    private readonly Stack<int> _free = new();
    private Slot[][] _chunks = [];
    private int _highWater;
    private int _inUse;

    /// <summary>Gets the number of slots in use (held sessions).</summary>
    public int Count => Volatile.Read(ref _inUse);

    /// <summary>Gets one past the highest slot ever rented: the collector scans up to it.</summary>
    public int HighWater => Volatile.Read(ref _highWater);

    /// <summary>Gets the slot at <paramref name="index"/>.</summary>
    public ref Slot this[int index] => ref Volatile.Read(ref _chunks)[index / ChunkSize][index % ChunkSize];

    /// <summary>Takes a free slot for <paramref name="owner"/>.</summary>
    public int Rent(RefreshingSession owner, int profile)
    {
        lock (_gate)
        {
            if (!_free.TryPop(out var index))
            {
                index = _highWater;
                if (index / ChunkSize == _chunks.Length)
                {
                    Slot[][] grown = [.. _chunks, new Slot[ChunkSize]];
                    Volatile.Write(ref _chunks, grown);
                }

                Volatile.Write(ref _highWater, index + 1);
            }

            ref var slot = ref this[index];
            slot.Profile = profile;
            slot.PerRole = owner.PerRoleMetrics;
            slot.Clock = owner.TimeProvider;
            slot.ExpiresAtTicks = 0;
            Volatile.Write(ref slot.Owner, owner); // last: the collector skips a slot whose owner is unset
            _inUse++;
            return index;
        }
    }

    /// <summary>Frees slot <paramref name="index"/>; nothing in it keeps its session reachable.</summary>
    public void Return(int index)
    {
        lock (_gate)
        {
            ref var slot = ref this[index];
            Volatile.Write(ref slot.Owner, null);
            slot.Clock = null;
            _free.Push(index);
            _inUse--;
        }
    }

    /// <summary>The slots in use, in order, for the collector's sequential scan: <c>foreach (ref readonly var slot in table.Held())</c>.</summary>
    public HeldSlots Held() => new(this);

    /// <summary>Enumerates the slots whose owner is set, without allocating.</summary>
    internal ref struct HeldSlots
    {
        private readonly int _highWater;
        private readonly Slot[][] _chunks;
        private int _index;

        public HeldSlots(GaugeSlots table)
        {
            // The high-water mark first: a chunk is added before the mark moves past it, so these chunks cover it.
            _highWater = table.HighWater;
            _chunks = Volatile.Read(ref table._chunks);
            _index = -1;
        }

        public readonly ref readonly Slot Current => ref _chunks[_index / ChunkSize][_index % ChunkSize];

        public readonly HeldSlots GetEnumerator() => this;

        public bool MoveNext()
        {
            while (++_index < _highWater)
            {
                if (Volatile.Read(ref _chunks[_index / ChunkSize][_index % ChunkSize].Owner) is not null)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>One held session as the gauges see it. Instants are UTC ticks and timestamps on the session's local clock.</summary>
    internal struct Slot
    {
        /// <summary>The session, or <see langword="null"/> for a free slot.</summary>
        public RefreshingSession? Owner;

        /// <summary>The session's clock, so the collector reads each clock once, not each session.</summary>
        public TimeProvider? Clock;

        /// <summary>When the held session expires; 0 when none is held.</summary>
        public long ExpiresAtTicks;

        /// <summary>Until when the held session is usable (expiry minus the minimum lifetime).</summary>
        public long UsableUntilTicks;

        /// <summary>When the held session expires, on the session clock's timestamp (see <see cref="Deadline"/>).</summary>
        public long ExpiresAtTimestamp;

        /// <summary>Until when the held session is usable, on the session clock's timestamp.</summary>
        public long UsableUntilTimestamp;

        /// <summary>The clock skew measured when the session was issued, in ticks, if <see cref="HasSkew"/>.</summary>
        public long SkewTicks;

        public bool HasSkew;

        /// <summary>Whether the session is reported on its own series (<see cref="SessionCacheOptions.PerRoleMetrics"/>).</summary>
        public bool PerRole;

        /// <summary>The index of the session's profile name in the telemetry's profile table.</summary>
        public int Profile;
    }
}
