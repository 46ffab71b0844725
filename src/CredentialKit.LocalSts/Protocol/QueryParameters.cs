using System.Globalization;

namespace CredentialKit.LocalSts.Protocol;

/// <summary>The parsed form body of an STS Query request, with helpers for <c>X.member.N[.Field]</c> lists.</summary>
internal sealed class QueryParameters
{
    private readonly Dictionary<string, string> _values;

    public QueryParameters(Dictionary<string, string> values) => _values = values;

    public IReadOnlyDictionary<string, string> All => _values;

    public static QueryParameters Parse(string body)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Decode(pair[(eq + 1)..]);
            values[name] = value;
        }

        return new QueryParameters(values);
    }

    /// <summary>These parameters overlaid with <paramref name="overrides"/> (a POST body over its query string).</summary>
    public QueryParameters With(QueryParameters overrides)
    {
        if (overrides._values.Count == 0)
        {
            return this;
        }

        var merged = new Dictionary<string, string>(_values, StringComparer.Ordinal);
        foreach (var (name, value) in overrides._values)
        {
            merged[name] = value;
        }

        return new QueryParameters(merged);
    }

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>A scalar list <c>Name.member.N</c>, ordered by N (indices may be non-contiguous). An empty <c>Name=</c> is an empty list.</summary>
    public IReadOnlyList<string> GetList(string name)
    {
        var prefix = name + ".member.";
        return _values
            .Select(kv => (kv, index: ParseIndex(kv.Key, prefix, out var rest) is { } i && rest.Length == 0 ? i : (int?)null))
            .Where(x => x.index is not null)
            .OrderBy(x => x.index)
            .Select(x => x.kv.Value)
            .ToList();
    }

    /// <summary>A structure list <c>Name.member.N.Field</c>, ordered by N; each entry maps field name to value.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> GetStructList(string name)
    {
        var prefix = name + ".member.";
        var entries = new SortedDictionary<int, Dictionary<string, string>>();
        foreach (var kv in _values)
        {
            if (ParseIndex(kv.Key, prefix, out var rest) is not { } index || !rest.StartsWith('.'))
            {
                continue;
            }

            if (!entries.TryGetValue(index, out var entry))
            {
                entry = new Dictionary<string, string>(StringComparer.Ordinal);
                entries[index] = entry;
            }

            entry[rest[1..]] = kv.Value;
        }

        return [.. entries.Values];
    }

    private static int? ParseIndex(string key, string prefix, out string rest)
    {
        rest = string.Empty;
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var tail = key[prefix.Length..];
        var dot = tail.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? tail : tail[..dot];
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index < 1)
        {
            return null;
        }

        rest = dot < 0 ? string.Empty : tail[dot..];
        return index;
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}
