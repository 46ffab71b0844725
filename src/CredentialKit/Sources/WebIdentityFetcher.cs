using Amazon.Runtime;
using Amazon.SecurityToken.Model;

namespace CredentialKit;

/// <summary>
/// Issues the source session with STS <c>AssumeRoleWithWebIdentity</c>. The token is read again on every refresh (the
/// platform rotates the file), the request is sent unsigned, and an <c>InvalidIdentityToken</c> answer is retried once
/// after reading the token again (the file may have been rotated between the read and the call). The token is never logged.
/// </summary>
internal sealed class WebIdentityFetcher : StsSourceFetcher
{
    private const string OperationName = "AssumeRoleWithWebIdentity";
    private const string InvalidIdentityToken = "InvalidIdentityToken";

    private readonly WebIdentitySettings _settings;
    private readonly SessionDurationFallback _duration;
    private readonly ExpectedIdentity _identity;

    public WebIdentityFetcher(WebIdentitySettings settings, StsOptions sts, RefreshSettings refresh, CredentialKitContext context, string? profileName)
        : base(OperationName, settings.RoleArn, new AnonymousAWSCredentials(), sts, refresh, context, profileName)
    {
        _settings = settings;
        _duration = new SessionDurationFallback(settings.Duration);
        _identity = ExpectedIdentity.AssumedRole(settings.RoleArn, settings.RoleSessionName);
    }

    protected override async Task<SessionCredentials> FetchCoreAsync(StsCallState call, CancellationToken cancellationToken)
    {
        var retriedToken = false;
        var secrets = new SentSecrets();
        while (true)
        {
            var token = await ReadTokenAsync(cancellationToken).ConfigureAwait(false);
            secrets.Add(token);
            try
            {
                var request = BuildRequest(token, _duration.Current);
                var (response, region) = await CallAsync(
                    (client, ct) => client.AssumeRoleWithWebIdentityAsync(request, ct), call, secrets, cancellationToken).ConfigureAwait(false);
                var credentials = response.Credentials ?? throw MissingCredentials();
#pragma warning disable CS0618 // STS still sends PackedPolicySize on the wire; the SDK marks the property obsolete in favour of a newer member.
                var packedPolicySize = response.PackedPolicySize;
#pragma warning restore CS0618
                _identity.Check(OperationName, response.AssumedRoleUser?.Arn);
                return StsResponses.ToSessionCredentials(credentials, response.AssumedRoleUser?.Arn, response.SourceIdentity, packedPolicySize, region);
            }
            catch (AmazonServiceException e) when (StsErrorClassifier.GetErrorCode(e) == InvalidIdentityToken && !retriedToken)
            {
                // The SDKs retry this code for web identity: the token may have been rotated just after it was read.
                retriedToken = true;
                Log.WebIdentityTokenRejected(Logger, RoleArn);
            }
            catch (AmazonServiceException e) when (_duration.TryFallBack(e, Logger, RoleArn))
            {
                // Retried with the one hour every role allows.
            }
        }
    }

    private AssumeRoleWithWebIdentityRequest BuildRequest(string token, TimeSpan duration)
    {
        var request = new AssumeRoleWithWebIdentityRequest
        {
            RoleArn = _settings.RoleArn,
            RoleSessionName = _settings.RoleSessionName,
            WebIdentityToken = token,
            DurationSeconds = (int)duration.TotalSeconds,
        };
        if (_settings.Policy is { } policy)
        {
            request.Policy = policy;
        }

        request.PolicyArns = PolicyDescriptors.From(_settings.PolicyArns);

        return request;
    }

    private async ValueTask<string> ReadTokenAsync(CancellationToken cancellationToken)
    {
        string? token;
        if (_settings.TokenProvider is { } provider)
        {
            try
            {
                token = await provider(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // An identity provider that cannot hand out a token now may well do so on the next attempt.
                throw SourceFailure($"The web identity token callback failed: {e.GetType().Name}", "WebIdentityTokenUnavailable", isTransient: true, e);
            }
        }
        else
        {
            var path = _settings.TokenFile!;
            try
            {
                token = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException or NotSupportedException)
            {
                var reason = e switch
                {
                    FileNotFoundException or DirectoryNotFoundException => "it does not exist",
                    UnauthorizedAccessException or System.Security.SecurityException => "access is denied",
                    _ => $"reading failed with {e.GetType().Name}",
                };

                // Never the exception's message: the path is named here and nothing else needs saying.
                throw SourceFailure($"Could not read the web identity token file '{path}': {reason}", "WebIdentityTokenFileUnreadable", isTransient: false, e);
            }
        }

        token = token?.Trim();
        if (string.IsNullOrEmpty(token))
        {
            var from = _settings.TokenProvider is null ? $"The web identity token file '{_settings.TokenFile}' is empty" : "The web identity token callback returned no token";
            throw SourceFailure(from, "WebIdentityTokenEmpty", isTransient: false, inner: null);
        }

        return token;
    }
}
