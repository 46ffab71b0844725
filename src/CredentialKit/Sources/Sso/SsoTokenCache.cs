using System.Text.Json;
using System.Text.Json.Nodes;

namespace CredentialKit;

/// <summary>The part of a cached SSO token the refresh needs. Never log it: every string here but the times is a secret.</summary>
internal sealed record SsoCachedToken(
    string AccessToken, DateTimeOffset ExpiresAt, string? RefreshToken, string? ClientId, string? ClientSecret, DateTimeOffset? RegistrationExpiresAt)
{
    /// <summary>Whether SSO OIDC can issue a new access token from this one at <paramref name="now"/>.</summary>
    public bool CanRefreshAt(DateTimeOffset now) =>
        RefreshToken is not null && ClientId is not null && ClientSecret is not null && (RegistrationExpiresAt is null || RegistrationExpiresAt > now);
}

/// <summary>
/// Reads and writes the AWS CLI's SSO token cache (<c>~/.aws/sso/cache/&lt;sha1&gt;.json</c>) as the CLI and SDKs do:
/// <c>accessToken</c>, <c>expiresAt</c>, <c>refreshToken</c>, <c>clientId</c>, <c>clientSecret</c>,
/// <c>registrationExpiresAt</c>. A refresh rewrites the file atomically, keeping every other member.
/// </summary>
internal static class SsoTokenCache
{
    /// <summary>The token, or <see langword="null"/> when there is no usable cache file (missing, unreadable, malformed).</summary>
    public static async Task<SsoCachedToken?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || SourceJson.Text(root, "accessToken") is not { } accessToken
                || !SourceJson.TryParseInstant(SourceJson.Text(root, "expiresAt"), out var expiresAt))
            {
                return null;
            }

            DateTimeOffset? registrationExpiresAt = SourceJson.TryParseInstant(SourceJson.Text(root, "registrationExpiresAt"), out var registration) ? registration : null;
            return new SsoCachedToken(accessToken, expiresAt, SourceJson.Text(root, "refreshToken"), SourceJson.Text(root, "clientId"),
                SourceJson.Text(root, "clientSecret"), registrationExpiresAt);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes a refreshed token back, as the SDKs do, so the CLI and other processes see it too.</summary>
    public static async Task WriteAsync(string path, SsoCachedToken token, CancellationToken cancellationToken)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)) as JsonObject ?? [];
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            root = [];
        }

        root["accessToken"] = token.AccessToken;
        root["expiresAt"] = token.ExpiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        if (token.RefreshToken is not null)
        {
            root["refreshToken"] = token.RefreshToken;
        }

        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllTextAsync(temporary, root.ToJsonString(), cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
