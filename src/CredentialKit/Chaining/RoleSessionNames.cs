using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace CredentialKit;

/// <summary>Builds the default role session name: the application's name and a short per-process random suffix.</summary>
internal static class RoleSessionNames
{
    private const int MaxLength = 64;

    private static readonly Lazy<string> DefaultName = new(() => Build(ApplicationName(), RandomSuffix()));

    /// <summary>
    /// Gets the process-wide default name. One per process (not per hop) so that providers sharing a chain prefix also
    /// share its cached sessions, while separate processes remain distinguishable in CloudTrail.
    /// </summary>
    public static string Default => DefaultName.Value;

    /// <summary>Builds a valid session name (<c>[A-Za-z0-9_+=,.@-]{2,64}</c>) from an application name and a suffix.</summary>
    public static string Build(string? applicationName, string suffix)
    {
        var clean = new StringBuilder();
        foreach (var c in applicationName ?? string.Empty)
        {
            clean.Append(IsAllowed(c) ? c : '-');
        }

        var prefix = clean.ToString().Trim('-');
        if (prefix.Length == 0)
        {
            prefix = "credentialkit";
        }

        var room = MaxLength - suffix.Length - 1;
        if (prefix.Length > room)
        {
            prefix = prefix[..room];
        }

        return $"{prefix}-{suffix}";
    }

    public static bool IsAllowed(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '+' or '=' or ',' or '.' or '@' or '-';

    private static string ApplicationName() =>
        Assembly.GetEntryAssembly()?.GetName().Name ?? AppDomain.CurrentDomain.FriendlyName;

    private static string RandomSuffix() => Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
}
