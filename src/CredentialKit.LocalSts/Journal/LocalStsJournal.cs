namespace CredentialKit.LocalSts;

/// <summary>
/// The emulator's request log for assertions; thread-safe. It is a ring of <see cref="Capacity"/> entries
/// (<see cref="LocalStsOptions.JournalCapacity"/>): once full, each new request drops the oldest entry, so a long run keeps
/// flat memory. Secret-bearing values are redacted before they are stored.
/// </summary>
public sealed class LocalStsJournal
{
    /// <summary>The <see cref="LocalStsJournalEntry.Outcome"/> of a successful request.</summary>
    public const string SuccessOutcome = "Success";

    /// <summary>What secret-bearing parameter values are replaced with.</summary>
    public const string RedactedValue = "***";

    // The web identity token, SAML assertion and MFA code, and from query-string (presigned) requests the session token and
    // the signature: a signature is a bearer proof while its URL is valid.
    private static readonly HashSet<string> SecretParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "WebIdentityToken", "SAMLAssertion", "TokenCode", "X-Amz-Security-Token", "X-Amz-Signature",
    };

    private readonly object _gate = new();
    private readonly LocalStsJournalEntry?[] _ring;
    private int _next;
    private int _count;
    private long _dropped;

    internal LocalStsJournal(int capacity = LocalStsDefaults.JournalCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new LocalStsJournalEntry?[capacity];
    }

    /// <summary>How many entries the journal keeps at most.</summary>
    public int Capacity => _ring.Length;

    /// <summary>How many entries were dropped (oldest first) because the journal was full, since start or <see cref="Clear"/>.</summary>
    public long DroppedCount
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    /// <summary>The entries kept, oldest first (a copy).</summary>
    /// <returns>The entries.</returns>
    public IReadOnlyList<LocalStsJournalEntry> Snapshot()
    {
        lock (_gate)
        {
            var result = new LocalStsJournalEntry[_count];
            var start = (_next - _count + _ring.Length) % _ring.Length;
            for (var i = 0; i < _count; i++)
            {
                result[i] = _ring[(start + i) % _ring.Length]!;
            }

            return result;
        }
    }

    /// <summary>Counts entries kept, optionally of one operation.</summary>
    /// <param name="operation">The STS action, or <see langword="null"/> for all.</param>
    /// <returns>The count.</returns>
    public int Count(string? operation = null)
    {
        if (operation is null)
        {
            lock (_gate)
            {
                return _count;
            }
        }

        return Snapshot().Count(e => e.Operation == operation);
    }

    /// <summary>Removes all entries.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            Array.Clear(_ring);
            _next = 0;
            _count = 0;
            _dropped = 0;
        }
    }

    internal void Add(LocalStsJournalEntry entry)
    {
        lock (_gate)
        {
            _ring[_next] = entry;
            _next = (_next + 1) % _ring.Length;
            if (_count < _ring.Length)
            {
                _count++;
            }
            else
            {
                _dropped++;
            }
        }
    }

    internal static IReadOnlyDictionary<string, string> Redact(IReadOnlyDictionary<string, string> parameters) =>
        parameters.ToDictionary(kv => kv.Key, kv => SecretParameters.Contains(kv.Key) ? RedactedValue : kv.Value, StringComparer.Ordinal);
}
