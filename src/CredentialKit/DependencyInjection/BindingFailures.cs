using System.Runtime.CompilerServices;

namespace CredentialKit;

/// <summary>
/// The configuration problems found while binding an options instance, kept beside it until its validator runs, so that
/// one start-up failure lists every problem of the file: keys that are unknown, values that do not convert, and values
/// outside the STS limits. (Throwing from the binder would hide the validator's findings behind the first conversion error.)
/// </summary>
internal static class BindingFailures
{
    private static readonly ConditionalWeakTable<object, List<string>> Table = new();

    /// <summary>Records <paramref name="messages"/> against <paramref name="options"/>.</summary>
    public static void Add(object options, IEnumerable<string> messages)
    {
        var list = Table.GetValue(options, static _ => []);
        lock (list)
        {
            list.AddRange(messages);
        }
    }

    /// <summary>Returns the problems recorded against <paramref name="options"/>, in the order found.</summary>
    public static IReadOnlyList<string> Of(object options)
    {
        if (!Table.TryGetValue(options, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }
}
