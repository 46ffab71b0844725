using Amazon.SecurityToken.Model;

namespace CredentialKit;

/// <summary>Maps STS response shapes to <see cref="SessionCredentials"/>.</summary>
internal static class StsResponses
{
    public static SessionCredentials ToSessionCredentials(
        Credentials credentials, string? assumedRoleArn, string? sourceIdentity, int? packedPolicySize, string? region = null) =>
        new(
            credentials.AccessKeyId,
            credentials.SecretAccessKey,
            credentials.SessionToken,
            ToUtc(credentials.Expiration),
            assumedRoleArn,
            sourceIdentity,
            packedPolicySize,
            region);

    /// <summary>The SDK parses <c>Expiration</c> into a <see cref="DateTime"/> whose kind has varied between versions.</summary>
    public static DateTimeOffset ToUtc(DateTime? expiration)
    {
        var value = expiration ?? throw new InvalidOperationException("STS returned credentials without an expiration.");
        return value.Kind switch
        {
            DateTimeKind.Local => new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero),
            _ => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero),
        };
    }
}
