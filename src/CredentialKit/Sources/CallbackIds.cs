using System.Runtime.CompilerServices;

namespace CredentialKit;

/// <summary>Tells callbacks apart in cache keys by identity (never by what they return).</summary>
internal static class CallbackIds
{
    private static readonly ConditionalWeakTable<object, object> Ids = new();
    private static long s_next;

    public static string Of(Delegate callback) =>
        "cb:" + Ids.GetValue(callback, static _ => Interlocked.Increment(ref s_next));
}
