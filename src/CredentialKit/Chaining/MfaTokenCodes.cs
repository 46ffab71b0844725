namespace CredentialKit;

/// <summary>Asks the application for a fresh MFA code and checks its shape before it is ever sent.</summary>
internal static class MfaTokenCodes
{
    public static async ValueTask<string> GetAsync(
        Func<CancellationToken, ValueTask<string>>? provider, string roleArn, string? profileName, CancellationToken cancellationToken)
    {
        if (provider is null)
        {
            throw new CredentialRefreshException(
                $"Role {roleArn}{RefreshingSession.ProfileSuffix(profileName)} sets MfaSerialNumber but no MfaTokenCodeProvider supplies codes.",
                profileName, roleArn, "MfaTokenCodeUnavailable", attempts: 0, isTransient: false, innerException: null);
        }

        string code;
        try
        {
            code = await provider(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CredentialRefreshException(
                $"The MFA code callback for {roleArn}{RefreshingSession.ProfileSuffix(profileName)} failed: {e.GetType().Name}.",
                profileName, roleArn, "MfaTokenCodeUnavailable", attempts: 0, isTransient: false, e);
        }

        // Never echo the code: say only what is wrong with it.
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            throw new CredentialRefreshException(
                $"The MFA code callback for {roleArn}{RefreshingSession.ProfileSuffix(profileName)} returned a value that is not six digits.",
                profileName, roleArn, "MfaTokenCodeInvalid", attempts: 0, isTransient: false, innerException: null);
        }

        return code;
    }
}
