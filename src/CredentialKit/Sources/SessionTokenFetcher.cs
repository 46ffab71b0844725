using Amazon.Runtime;
using Amazon.SecurityToken.Model;

namespace CredentialKit;

/// <summary>
/// Issues the source session with STS <c>GetSessionToken</c>, signed by long-term credentials, optionally with MFA. Each
/// refresh asks the callback for one new code and never sends a code twice. When no code can be had, the failure leaves
/// the engine serving the cached session, and a warning says when that session stops working.
/// </summary>
internal sealed class SessionTokenFetcher : StsSourceFetcher
{
    private const string OperationName = "GetSessionToken";

    private readonly SessionTokenSettings _settings;
    private string? _lastCode;

    public SessionTokenFetcher(SessionTokenSettings settings, AWSCredentials signer, StsOptions sts, RefreshSettings refresh, CredentialKitContext context, string? profileName)
        : base(OperationName, settings.Subject, signer, sts, refresh, context, profileName) =>
        _settings = settings;

    protected override async Task<SessionCredentials> FetchCoreAsync(StsCallState call, CancellationToken cancellationToken)
    {
        var request = new GetSessionTokenRequest();
        var secrets = new SentSecrets();
        if (_settings.Duration is { } duration)
        {
            request.DurationSeconds = (int)duration.TotalSeconds;
        }

        if (_settings.MfaSerialNumber is { } serial)
        {
            request.SerialNumber = serial;
            request.TokenCode = await NextCodeAsync(cancellationToken).ConfigureAwait(false);
            secrets.Add(request.TokenCode);
        }

        var (response, region) = await CallAsync((client, ct) => client.GetSessionTokenAsync(request, ct), call, secrets, cancellationToken).ConfigureAwait(false);
        var credentials = response.Credentials ?? throw MissingCredentials();
        return StsResponses.ToSessionCredentials(credentials, assumedRoleArn: null, sourceIdentity: null, packedPolicySize: null, region);
    }

    private async ValueTask<string> NextCodeAsync(CancellationToken cancellationToken)
    {
        string code;
        try
        {
            code = await MfaTokenCodes.GetAsync(_settings.MfaTokenCodeProvider, RoleArn, ProfileName, cancellationToken).ConfigureAwait(false);
        }
        catch (CredentialRefreshException e)
        {
            Log.MfaRenewalBlocked(Logger, RoleArn, e.ErrorCode ?? "MfaTokenCodeUnavailable", LastExpiration);
            throw;
        }

        // STS refuses a code it has already accepted; a TOTP device shows the same code for 30 s, so ask again later.
        if (string.Equals(code, _lastCode, StringComparison.Ordinal))
        {
            Log.MfaRenewalBlocked(Logger, RoleArn, "MfaTokenCodeReused", LastExpiration);
            throw SourceFailure("The MFA code callback returned the code already used for the previous session; a new code is needed",
                "MfaTokenCodeReused", isTransient: true, inner: null);
        }

        _lastCode = code;
        return code;
    }
}
