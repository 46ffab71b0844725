using Amazon.Runtime;

namespace CredentialKit;

/// <summary>One set of temporary AWS credentials issued by STS. Immutable.</summary>
/// <remarks><see cref="ToString"/> masks the access key id and never shows the secret key or the session token.</remarks>
public sealed class SessionCredentials
{
    private Task<ImmutableCredentials>? _sdkCredentialsTask;

    /// <summary>Creates session credentials.</summary>
    /// <param name="accessKeyId">The access key id (<c>ASIA…</c> for STS sessions).</param>
    /// <param name="secretAccessKey">The secret access key.</param>
    /// <param name="sessionToken">The session token; <see langword="null"/> or empty for long-term credentials.</param>
    /// <param name="expiration">When the credentials stop working.</param>
    /// <param name="assumedRoleArn">The ARN of the assumed-role session, when STS reported one.</param>
    /// <param name="sourceIdentity">The source identity STS reported, if any.</param>
    /// <param name="packedPolicySize">The packed policy size percentage STS reported, if any.</param>
    /// <param name="region">The region whose STS endpoint issued the session, when known.</param>
    /// <exception cref="ArgumentException"><paramref name="accessKeyId"/> or <paramref name="secretAccessKey"/> is empty.</exception>
    public SessionCredentials(
        string accessKeyId,
        string secretAccessKey,
        string? sessionToken,
        DateTimeOffset expiration,
        string? assumedRoleArn = null,
        string? sourceIdentity = null,
        int? packedPolicySize = null,
        string? region = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        SessionToken = sessionToken ?? string.Empty;
        Expiration = expiration;
        AssumedRoleArn = assumedRoleArn;
        SourceIdentity = sourceIdentity;
        PackedPolicySize = packedPolicySize;
        Region = region;
        SdkCredentials = new ImmutableCredentials(accessKeyId, secretAccessKey, SessionToken);
    }

    /// <summary>Gets the access key id.</summary>
    public string AccessKeyId { get; }

    /// <summary>Gets the secret access key. Never log it.</summary>
    public string SecretAccessKey { get; }

    /// <summary>Gets the session token (empty for long-term credentials). Never log it.</summary>
    public string SessionToken { get; }

    /// <summary>Gets the moment the credentials expire.</summary>
    public DateTimeOffset Expiration { get; }

    /// <summary>Gets the ARN of the assumed-role session (<c>arn:aws:sts::…:assumed-role/…/…</c>), when known.</summary>
    public string? AssumedRoleArn { get; }

    /// <summary>Gets the source identity of the session, when STS reported one.</summary>
    public string? SourceIdentity { get; }

    /// <summary>Gets how much of the packed policy budget the session's policies and tags use, in percent, when reported.</summary>
    public int? PackedPolicySize { get; }

    /// <summary>
    /// Gets the region whose STS endpoint issued the session (the primary <see cref="StsOptions.Region"/>, or a
    /// <see cref="StsOptions.FallbackRegions"/> entry after a regional outage), when known.
    /// </summary>
    public string? Region { get; }

    /// <summary>The same credentials in the AWS SDK's shape, built once so SDK clients read them without allocating.</summary>
    internal ImmutableCredentials SdkCredentials { get; }

    /// <summary>A completed task over <see cref="SdkCredentials"/>, created once, for the SDK's async credential path.</summary>
    internal Task<ImmutableCredentials> SdkCredentialsTask => _sdkCredentialsTask ??= Task.FromResult(SdkCredentials);

    /// <summary>Gets the time left until <see cref="Expiration"/> at <paramref name="now"/>.</summary>
    /// <param name="now">The current time, from the same <see cref="TimeProvider"/> that drives the provider.</param>
    /// <returns>The remaining lifetime; negative once expired.</returns>
    public TimeSpan RemainingLifetime(DateTimeOffset now) => Expiration - now;

    /// <summary>Returns a description with the masked access key id, the role and the expiration; never a secret.</summary>
    /// <returns>For example <c>ASIA…7XQZ arn:aws:sts::111122223333:assumed-role/hub/app expires 2026-11-23T13:00:00Z</c>.</returns>
    public override string ToString() =>
        $"{SecretRedaction.MaskAccessKeyId(AccessKeyId)} {AssumedRoleArn ?? "(no role)"} expires {Expiration.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
}
