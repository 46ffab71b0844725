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
    string? MaskedAccessKeyId);
