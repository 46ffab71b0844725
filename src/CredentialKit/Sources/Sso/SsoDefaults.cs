namespace CredentialKit;

/// <summary>When the SSO source refreshes its access token, and how long one SSO request may take (the docs' sources page mirrors it).</summary>
internal static class SsoDefaults
{
    /// <summary>An access token with less than this left is refreshed first, as the AWS SDKs' token providers do.</summary>
    public static readonly TimeSpan TokenRefreshWindow = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The bound of one HTTP request to the SSO portal or SSO OIDC, headers and body, on the injected clock. Nothing above
    /// bounds it: the one process-wide request runs without any caller's cancellation, since other callers may want it.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
}
