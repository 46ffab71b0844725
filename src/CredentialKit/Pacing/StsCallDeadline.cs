using System.Runtime.CompilerServices;

namespace CredentialKit;

/// <summary>
/// Carries, along one refresh's async flow, until when the session being refreshed stays usable, so the STS rate limiter
/// can put refreshes of sessions about to drop below their minimum lifetime ahead of first fetches without every fetcher
/// passing it along. Unset (<see langword="null"/>) for a first fetch or after an invalidation: nothing is held.
/// </summary>
internal static class StsCallDeadline
{
    private static readonly AsyncLocal<StrongBox<DateTimeOffset>?> Current = new();

    /// <summary>Gets the usable-until instant of the session the current flow refreshes, if it holds one.</summary>
    public static DateTimeOffset? Value => Current.Value?.Value;

    /// <summary>Sets the deadline for the rest of the calling async method (restored when it returns).</summary>
    public static void Set(DateTimeOffset? usableUntil)
    {
        if (usableUntil is { } value)
        {
            Current.Value = new StrongBox<DateTimeOffset>(value);
        }
        else if (Current.Value is not null)
        {
            Current.Value = null;
        }
    }
}
