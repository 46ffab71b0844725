namespace CredentialKit;

/// <summary>Renders identifiers for logs and messages without revealing secrets.</summary>
internal static class SecretRedaction
{
    /// <summary>
    /// Masks an access key id to its first four and last four characters (<c>ASIA…7XQZ</c>). Access key ids are not
    /// secret, but a full id in every log line helps an attacker correlate; the ends are enough to tell keys apart.
    /// </summary>
    public static string MaskAccessKeyId(string? accessKeyId) =>
        accessKeyId switch
        {
            null or "" => "(none)",
            { Length: <= 8 } => new string('*', accessKeyId.Length),
            _ => string.Concat(accessKeyId.AsSpan(0, 4), "…", accessKeyId.AsSpan(accessKeyId.Length - 4)),
        };
}
