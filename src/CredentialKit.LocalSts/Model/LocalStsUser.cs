namespace CredentialKit.LocalSts;

/// <summary>An IAM user with one long-term access key and an optional virtual MFA device.</summary>
public sealed class LocalStsUser
{
    /// <summary>The user name (the last part of the user ARN).</summary>
    public string UserName { get; set; } = string.Empty;

    /// <summary>The long-term access key id; conventionally starts with <c>AKIA</c>.</summary>
    public string AccessKeyId { get; set; } = string.Empty;

    /// <summary>The secret access key used to verify SigV4 signatures.</summary>
    public string SecretAccessKey { get; set; } = string.Empty;

    /// <summary>The MFA device serial number (ARN) of this user, or <see langword="null"/> when the user has no MFA device.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? MfaSerialNumber { get; set; }

    /// <summary>Base32 TOTP secret (RFC 6238, SHA-1, 6 digits, 30 s step on the server's <see cref="TimeProvider"/>).</summary>
    /// <remarks>One adjacent step either side is accepted. Use <see cref="LocalStsTokens.ComputeTotp"/> to produce a code.</remarks>
    /// <value>Default <see langword="null"/>.</value>
    public string? MfaTotpSecret { get; set; }

    /// <summary>A fixed 6-digit code always accepted for this user's MFA device (simpler than TOTP for tests).</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? MfaFixedCode { get; set; }

    /// <summary>Sets up an MFA device and returns this user.</summary>
    /// <param name="serialNumber">The device ARN, for example <c>arn:aws:iam::111122223333:mfa/demo</c>.</param>
    /// <param name="totpSecret">A base32 TOTP secret, or <see langword="null"/>.</param>
    /// <param name="fixedCode">A fixed accepted code, or <see langword="null"/>.</param>
    /// <returns>This user.</returns>
    public LocalStsUser WithMfa(string serialNumber, string? totpSecret = null, string? fixedCode = null)
    {
        MfaSerialNumber = serialNumber;
        MfaTotpSecret = totpSecret;
        MfaFixedCode = fixedCode;
        return this;
    }
}
