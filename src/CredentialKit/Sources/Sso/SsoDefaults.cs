namespace CredentialKit;

/// <summary>When the SSO source refreshes its access token (the README's sources page mirrors it).</summary>
internal static class SsoDefaults
{
    /// <summary>An access token with less than this left is refreshed first, as the AWS SDKs' token providers do.</summary>
    public static readonly TimeSpan TokenRefreshWindow = TimeSpan.FromMinutes(15);
}
