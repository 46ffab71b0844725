using System.Globalization;

namespace CredentialKit;

/// <summary>The rule for the keys of a configuration list: exactly 0, 1, 2, …, as a JSON array writes them.</summary>
internal static class ListIndices
{
    /// <summary>
    /// Refuses list indices that are not exactly 0, 1, 2, …: a gap (<c>0</c>, <c>2</c>), a list starting at 1, or an index
    /// written with a leading zero. The default binder accepts them and a gap usually means an entry was lost in an edit
    /// or an override (an environment variable for <c>Roles:2</c> with no <c>Roles:1</c>).
    /// </summary>
    /// <param name="path">The list's key path.</param>
    /// <param name="keys">The keys of its items.</param>
    /// <param name="where">Where the list is in configuration, for the message.</param>
    /// <param name="failures">Collects the failure.</param>
    public static void Check(string path, IEnumerable<string> keys, string where, ValidationFailures failures)
    {
        var list = keys.ToList();
        var canonical = list.All(k => k == "0" || (k.Length > 0 && k[0] != '0'));
        var numbers = list.Select(k => int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).Order().ToList();
        if (canonical && numbers.SequenceEqual(Enumerable.Range(0, numbers.Count)))
        {
            return;
        }

        var missing = Enumerable.Range(0, numbers.Count + 1).First(i => !numbers.Contains(i));
        var problem = canonical
            ? $"so {path}:{missing} is missing"
            : $"and {path}:{list.First(k => k != "0" && k[0] == '0')} is written with a leading zero";
        failures.Add(path, $"has the list indices {string.Join(", ", list.OrderBy(k => k.Length).ThenBy(k => k, StringComparer.Ordinal))} {where}, {problem}",
            $"indices 0, 1, 2, … without gaps ({path}:0, {path}:1, …), or a JSON array");
    }
}
