namespace CredentialKit;

/// <summary>A point-in-time view of a provider, free of secrets.</summary>
/// <param name="State">The health of the current session.</param>
/// <param name="RoleArn">The role the provider's session belongs to.</param>
/// <param name="Expiration">When the held session expires, if one is held.</param>
/// <param name="RemainingLifetime">Time left on the held session at the moment of the snapshot, if one is held.</param>
/// <param name="RefreshCount">How many sessions have been issued so far.</param>
/// <param name="LastErrorCode">The error code of the most recent failed refresh, cleared by a success.</param>
/// <param name="MaskedAccessKeyId">The masked access key id of the held session (<c>ASIA…7XQZ</c>).</param>
public sealed record CredentialProviderStatus(
    CredentialProviderState State,
    string? RoleArn,
    DateTimeOffset? Expiration,
    TimeSpan? RemainingLifetime,
    long RefreshCount,
    string? LastErrorCode,
    string? MaskedAccessKeyId)
{
    /// <summary>
    /// Gets how far STS's clock was from the local clock when the held session was issued (STS's minus local, so
    /// positive means the local clock is behind), measured from the response's <c>Date</c> header; <see langword="null"/>
    /// when no usable <c>Date</c> arrived. CredentialKit plans every session on STS's clock, so a skew changes nothing
    /// about when credentials are refreshed, but other signed calls may still fail once it passes 5 minutes.
    /// </summary>
    public TimeSpan? ClockSkew { get; init; }

    /// <summary>
    /// Gets the STS endpoints of this provider's profile that refreshes currently avoid because they were found failing
    /// (see <see cref="StsOptions.FallbackRegions"/>): which endpoint, since when, its last error code and when it is
    /// probed next. Empty while every endpoint is healthy, and always with a single endpoint. The session may well be
    /// <see cref="CredentialProviderState.Fresh"/> meanwhile, served by a fallback region.
    /// </summary>
    public IReadOnlyList<StsEndpointStatus> UnavailableEndpoints { get; init; } = [];
}
