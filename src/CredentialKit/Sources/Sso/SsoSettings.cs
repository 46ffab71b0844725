using System.Security.Cryptography;
using System.Text;

namespace CredentialKit;

/// <summary>
/// An SSO profile as the AWS CLI reads it: with <c>sso_session</c> (a <c>[sso-session name]</c> section holding
/// <c>sso_start_url</c> and <c>sso_region</c>; its token can be refreshed) or the legacy form with <c>sso_start_url</c> and
/// <c>sso_region</c> in the profile (its token cannot), plus <c>sso_account_id</c> and <c>sso_role_name</c>.
/// </summary>
/// <param name="ProfileName">The profile, named in the "aws sso login --profile" advice.</param>
/// <param name="SessionName">The <c>sso_session</c>, or <see langword="null"/> for the legacy form.</param>
/// <param name="StartUrl">The SSO start URL.</param>
/// <param name="Region">The region of the SSO portal and SSO OIDC.</param>
/// <param name="AccountId">The account of the role.</param>
/// <param name="RoleName">The permission set's role name.</param>
/// <param name="CachePath">The CLI's token cache file for this session.</param>
/// <param name="PortalEndpoint">An SSO portal endpoint override (<c>AWS_ENDPOINT_URL_SSO</c>, else <c>AWS_ENDPOINT_URL</c>).</param>
/// <param name="OidcEndpoint">An SSO OIDC endpoint override (<c>AWS_ENDPOINT_URL_SSO_OIDC</c>, else <c>AWS_ENDPOINT_URL</c>).</param>
internal sealed record SsoSettings(
    string ProfileName, string? SessionName, string StartUrl, string Region, string AccountId, string RoleName, string CachePath,
    string? PortalEndpoint, string? OidcEndpoint)
{
    /// <summary>Gets how logs and errors name the source.</summary>
    public string Subject => $"sso({AccountId}/{RoleName})";

    /// <summary>Gets whether the token can be refreshed: only the <c>sso_session</c> form registers a client that can.</summary>
    public bool CanRefresh => SessionName is not null;

    /// <summary>Gets the advice for a developer when nothing can be refreshed.</summary>
    public string LoginAdvice => $"run aws sso login --profile {ProfileName}";

    /// <summary>Reads the SSO keys of <paramref name="profile"/>.</summary>
    /// <exception cref="ArgumentException">A key is missing or the sso-session section is; the message names it.</exception>
    public static SsoSettings From(
        string profileName, IReadOnlyDictionary<string, string> profile, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ssoSessions,
        SourceEnvironment environment)
    {
        string? Get(IReadOnlyDictionary<string, string> section, string key) => section.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
        string Require(IReadOnlyDictionary<string, string> section, string key, string where) =>
            Get(section, key) ?? throw new ArgumentException($"{where} has no {key}");

        var sessionName = Get(profile, "sso_session");
        string startUrl, region;
        if (sessionName is not null)
        {
            if (!ssoSessions.TryGetValue(sessionName, out var session))
            {
                throw new ArgumentException($"its sso_session '{sessionName}' has no [sso-session {sessionName}] section in the config file");
            }

            startUrl = Require(session, "sso_start_url", $"[sso-session {sessionName}]");
            region = Require(session, "sso_region", $"[sso-session {sessionName}]");
            foreach (var (key, value) in new[] { ("sso_start_url", startUrl), ("sso_region", region) })
            {
                if (Get(profile, key) is { } own && own != value)
                {
                    throw new ArgumentException($"its {key} differs from the one of [sso-session {sessionName}]");
                }
            }
        }
        else
        {
            startUrl = Require(profile, "sso_start_url", "the profile");
            region = Require(profile, "sso_region", "the profile");
        }

        var accountId = Require(profile, "sso_account_id", "the profile");
        var roleName = Require(profile, "sso_role_name", "the profile");
        var home = environment.HomeDirectory ?? string.Empty;
        var cacheKey = Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(sessionName ?? startUrl))).ToLowerInvariant();
        var cachePath = Path.Combine(home, ".aws", "sso", "cache", cacheKey + ".json");
        var shared = environment.Get("AWS_ENDPOINT_URL");
        return new SsoSettings(profileName, sessionName, startUrl, region, accountId, roleName, cachePath,
            environment.Get("AWS_ENDPOINT_URL_SSO") ?? shared, environment.Get("AWS_ENDPOINT_URL_SSO_OIDC") ?? shared);
    }

    /// <summary>Describes the source for the cache key (no token).</summary>
    public string Describe() => new SourceKeyText("sso").Add("cache", CachePath).Add("account", AccountId).Add("role", RoleName)
        .Add("region", Region).Add("portal", PortalEndpoint).Add("oidc", OidcEndpoint).ToString();
}
