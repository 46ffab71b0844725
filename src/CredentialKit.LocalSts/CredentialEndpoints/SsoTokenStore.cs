using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CredentialKit.LocalSts.Hosting;

/// <summary>The SSO access and refresh tokens LocalSts issued, on the server clock.</summary>
internal sealed class SsoTokenStore(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string ClientId, string ClientSecret)> _refreshTokens = new(StringComparer.Ordinal);

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public LocalStsSsoToken Issue(TimeSpan lifetime, string? clientId = null, string? clientSecret = null)
    {
        var now = time.GetUtcNow();
        var token = new LocalStsSsoToken(
            "sso-access-" + Random(), Truncate(now + lifetime), "sso-refresh-" + Random(),
            clientId ?? "sso-client-" + Random(), clientSecret ?? "sso-client-secret-" + Random(), Truncate(now.AddDays(90)));
        _accessTokens[token.AccessToken] = token.ExpiresAt;
        _refreshTokens[token.RefreshToken] = (token.ClientId, token.ClientSecret);
        return token;
    }

    public bool IsValid(string accessToken) => _accessTokens.TryGetValue(accessToken, out var expires) && time.GetUtcNow() < expires;

    /// <summary>Redeems a refresh token once (SSO OIDC rotates them), for the client that it was issued to.</summary>
    public LocalStsSsoToken? Refresh(string refreshToken, string clientId, string clientSecret) =>
        _refreshTokens.TryGetValue(refreshToken, out var client) && client == (clientId, clientSecret) && _refreshTokens.TryRemove(refreshToken, out _)
            ? Issue(AccessTokenLifetime, clientId, clientSecret)
            : null;

    private static string Random() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    private static DateTimeOffset Truncate(DateTimeOffset value) => new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
