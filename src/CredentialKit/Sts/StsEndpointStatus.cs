namespace CredentialKit;

/// <summary>
/// An STS endpoint that CredentialKit avoids because refreshes found it failing (transient errors after their retries,
/// or <c>RegionDisabledException</c>): refreshes go to the next endpoint first until <see cref="NextProbeAt"/>, when one
/// refresh tries it again with one short attempt. Free of secrets.
/// </summary>
/// <param name="Endpoint">The endpoint: its service URL (without user info), or its region for the regional AWS endpoint.</param>
/// <param name="Region">The region it serves, when known.</param>
/// <param name="UnavailableSince">When a refresh found it failing (after which it has not answered since).</param>
/// <param name="NextProbeAt">When the next refresh tries it again with one short attempt.</param>
/// <param name="LastErrorCode">The error code of its last failure, for example <c>Timeout</c>, <c>NetworkError</c> or <c>RegionDisabledException</c>.</param>
public sealed record StsEndpointStatus(
    string Endpoint,
    string? Region,
    DateTimeOffset UnavailableSince,
    DateTimeOffset NextProbeAt,
    string LastErrorCode)
{
    /// <summary>Returns a one-line description, for example for a health check.</summary>
    /// <returns>For example <c>us-east-1 unavailable since 2026-01-01T10:00:00.0000000+00:00 (Timeout), next probe at …</c>.</returns>
    public override string ToString() =>
        $"{Endpoint} unavailable since {UnavailableSince:O} ({LastErrorCode}), next probe at {NextProbeAt:O}";
}
