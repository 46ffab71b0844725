using CredentialKit.LocalSts.Protocol;
using CredentialKit.LocalSts.Tokens;

namespace CredentialKit.LocalSts.Operations;

/// <summary>Checks SerialNumber + TokenCode against the user's virtual MFA device (fixed code or TOTP on the server clock).</summary>
internal static class MfaVerifier
{
    /// <summary>Returns true when a valid MFA pair was presented, false when none was; throws AccessDenied on a wrong one.</summary>
    public static bool Verify(StsState state, IEnumerable<LocalStsUser> candidates, string? serialNumber, string? tokenCode)
    {
        if (serialNumber is null && tokenCode is null)
        {
            return false;
        }

        var user = candidates.FirstOrDefault(u => u.MfaSerialNumber is not null && string.Equals(u.MfaSerialNumber, serialNumber, StringComparison.Ordinal));
        if (user is null || tokenCode is null)
        {
            throw StsException.AccessDenied(StsErrorCodes.InvalidMfaCodeMessage);
        }

        var ok = (user.MfaFixedCode is { } fixedCode && string.Equals(fixedCode, tokenCode, StringComparison.Ordinal))
            || (user.MfaTotpSecret is { } secret && Totp.Verify(secret, tokenCode, state.Time.GetUtcNow()));
        return ok ? true : throw StsException.AccessDenied(StsErrorCodes.InvalidMfaCodeMessage);
    }
}
