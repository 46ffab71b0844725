using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CredentialKit.IntegrationTests.Helpers;

/// <summary>Plays <c>aws sso login</c>: writes a LocalSts SSO token where and as the AWS CLI writes its token cache.</summary>
internal static class SsoCacheFile
{
    /// <summary>The cache file of <paramref name="cacheKey"/> (the sso_session name, or the legacy start URL).</summary>
    public static string PathOf(string home, string cacheKey) =>
        Path.Combine(home, ".aws", "sso", "cache", Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(cacheKey))).ToLowerInvariant() + ".json");

    public static void Write(string home, string cacheKey, string startUrl, LocalStsSsoToken token)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(home, cacheKey))!);
        File.WriteAllText(PathOf(home, cacheKey), JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["startUrl"] = startUrl,
            ["region"] = "us-east-1",
            ["accessToken"] = token.AccessToken,
            ["expiresAt"] = token.ExpiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["clientId"] = token.ClientId,
            ["clientSecret"] = token.ClientSecret,
            ["registrationExpiresAt"] = token.RegistrationExpiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["refreshToken"] = token.RefreshToken,
        }));
    }
}
