using System.Security.Cryptography;
using System.Text;

namespace CredentialKit;

/// <summary>Builds session-cache keys: SHA-256 fingerprints, so no parameter or secret appears in a key in clear.</summary>
internal static class CacheKeys
{
    public static string Hash(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 16);

    /// <summary>The key of a hop: its parent's identity, every request parameter, the endpoint and the refresh settings.</summary>
    public static string ForHop(string parentKey, string request, StsOptions sts, RefreshSettings settings) =>
        "ck:" + Hash(string.Join('\n', parentKey, request, sts.ServiceUrl, sts.Region, sts.AuthenticationRegion, settings.ToString()));
}
