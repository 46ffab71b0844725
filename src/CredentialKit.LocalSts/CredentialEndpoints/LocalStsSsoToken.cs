namespace CredentialKit.LocalSts;

/// <summary>
/// What <c>aws sso login</c> leaves in the CLI's token cache, as LocalSts's SSO OIDC would have issued it: write these
/// into <c>~/.aws/sso/cache/&lt;sha1&gt;.json</c> (<c>accessToken</c>, <c>expiresAt</c>, <c>refreshToken</c>,
/// <c>clientId</c>, <c>clientSecret</c>, <c>registrationExpiresAt</c>) to play a developer who has signed in.
/// </summary>
/// <param name="AccessToken">The bearer token the SSO portal accepts until <paramref name="ExpiresAt"/>.</param>
/// <param name="ExpiresAt">When the access token ends (server clock).</param>
/// <param name="RefreshToken">The refresh token SSO OIDC <c>CreateToken</c> accepts once with the client id and secret.</param>
/// <param name="ClientId">The registered client's id.</param>
/// <param name="ClientSecret">The registered client's secret.</param>
/// <param name="RegistrationExpiresAt">When the client registration ends.</param>
public sealed record LocalStsSsoToken(
    string AccessToken, DateTimeOffset ExpiresAt, string RefreshToken, string ClientId, string ClientSecret, DateTimeOffset RegistrationExpiresAt);
