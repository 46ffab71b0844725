using System.Collections.Immutable;

namespace CredentialKit.LocalSts;

/// <summary>The emulator's request log for assertions; thread-safe, append-only until <see cref="Clear"/>.</summary>
public sealed class LocalStsJournal
{
    /// <summary>The <see cref="LocalStsJournalEntry.Outcome"/> of a successful request.</summary>
    public const string SuccessOutcome = "Success";

    /// <summary>What secret-bearing parameter values are replaced with.</summary>
    public const string RedactedValue = "***";

    private static readonly HashSet<string> SecretParameters = new(StringComparer.OrdinalIgnoreCase) { "WebIdentityToken", "SAMLAssertion", "TokenCode" };
    private ImmutableList<LocalStsJournalEntry> _entries = [];

    internal LocalStsJournal()
    {
    }

    /// <summary>The entries so far, oldest first (an immutable snapshot).</summary>
    /// <returns>The entries.</returns>
    public IReadOnlyList<LocalStsJournalEntry> Snapshot() => Volatile.Read(ref _entries);

    /// <summary>Counts entries, optionally of one operation.</summary>
    /// <param name="operation">The STS action, or <see langword="null"/> for all.</param>
    /// <returns>The count.</returns>
    public int Count(string? operation = null) => operation is null ? Snapshot().Count : Snapshot().Count(e => e.Operation == operation);

    /// <summary>Removes all entries.</summary>
    public void Clear() => ImmutableInterlocked.Update(ref _entries, _ => []);

    internal void Add(LocalStsJournalEntry entry) => ImmutableInterlocked.Update(ref _entries, list => list.Add(entry));

    internal static IReadOnlyDictionary<string, string> Redact(IReadOnlyDictionary<string, string> parameters) =>
        parameters.ToDictionary(kv => kv.Key, kv => SecretParameters.Contains(kv.Key) ? RedactedValue : kv.Value, StringComparer.Ordinal);
}
