using Amazon;
using Amazon.Runtime;
using Amazon.SSO;
using Amazon.SSO.Model;
using Amazon.SSOOIDC;
using Amazon.SSOOIDC.Model;

namespace CredentialKit;

/// <summary>
/// Issues the source session from AWS IAM Identity Center (SSO) as the AWS CLI's token cache allows: the cached access
/// token, refreshed through SSO OIDC <c>CreateToken</c> when it is near its end and the <c>sso_session</c> registration
/// allows it (the cache is written back, as the SDKs do), then the SSO portal's <c>GetRoleCredentials</c>. When no token
/// can be had, the error says what a developer does: <c>run aws sso login --profile X</c>. Tokens never reach a message.
/// </summary>
/// <remarks>
/// Both clients run over CredentialKit's HTTP edge (<see cref="AwsHttpClientFactory"/>), as STS's do: a redirect is refused
/// (the bearer token travels in a custom header that a followed redirect would carry elsewhere), the body is capped, each
/// request is bounded by <see cref="SsoDefaults.RequestTimeout"/>, and the portal's <c>Date</c> is read so the session is
/// planned on the portal's clock.
/// </remarks>
internal sealed class SsoFetcher : LocalSourceFetcher
{
    private const string PortalName = "SSO portal";
    private const string OidcName = "SSO OIDC endpoint";

    private readonly SsoSettings _settings;
    private readonly string _key;
    private readonly Lazy<AmazonSSOClient> _portal;
    private readonly Lazy<AmazonSSOOIDCClient> _oidc;

    public SsoFetcher(SsoSettings settings, CredentialKitContext context, string? profileName)
        : base("sso", settings.Subject, context, profileName)
    {
        _settings = settings;
        _key = settings.Describe();
        _portal = new(() => new AmazonSSOClient(new AnonymousAWSCredentials(), Configure(new AmazonSSOConfig(), settings.PortalEndpoint, PortalName)));
        _oidc = new(() => new AmazonSSOOIDCClient(new AnonymousAWSCredentials(), Configure(new AmazonSSOOIDCConfig(), settings.OidcEndpoint, OidcName)));
    }

    public override void Dispose()
    {
        if (_portal.IsValueCreated)
        {
            _portal.Value.Dispose();
        }

        if (_oidc.IsValueCreated)
        {
            _oidc.Value.Dispose();
        }
    }

    protected override Task<SessionCredentials> FetchCoreAsync(CancellationToken cancellationToken) =>
        ProcessWideSourceFetch.For(Context.TimeProvider).FetchAsync(_key, LastIssued, FetchOnceAsync, cancellationToken);

    private T Configure<T>(T config, string? endpoint, string endpointName)
        where T : ClientConfig
    {
        config.HttpClientFactory = new AwsHttpClientFactory(
            new HttpEdge(endpointName, HttpEdge.DefaultMaximumResponseBytes, SsoDefaults.RequestTimeout, Context.TimeProvider));
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = _settings.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(_settings.Region);
        }

        return config;
    }

    private async Task<SourceFetchResult> FetchOnceAsync(CancellationToken cancellationToken)
    {
        var token = await SsoTokenCache.ReadAsync(_settings.CachePath, cancellationToken).ConfigureAwait(false)
            ?? throw LoginRequired("no cached token (the AWS CLI keeps it in ~/.aws/sso/cache)");
        var now = Context.TimeProvider.GetUtcNow();
        if (token.ExpiresAt - now < SsoDefaults.TokenRefreshWindow && _settings.CanRefresh && token.CanRefreshAt(now))
        {
            token = await RefreshAsync(token, now, cancellationToken).ConfigureAwait(false);
        }

        if (token.ExpiresAt <= now)
        {
            throw LoginRequired(_settings.CanRefresh
                ? $"a cached token that expired at {token.ExpiresAt:O} and cannot be refreshed"
                : $"a cached token that expired at {token.ExpiresAt:O} (the legacy sso_start_url form cannot refresh it; an sso_session can)");
        }

        GetRoleCredentialsResponse response;
        var portalClock = StsClockObservation.Begin(Context.TimeProvider); // this flow's only: the portal's answer, not OIDC's
        try
        {
            response = await _portal.Value.GetRoleCredentialsAsync(
                new GetRoleCredentialsRequest { AccessToken = token.AccessToken, AccountId = _settings.AccountId, RoleName = _settings.RoleName },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (EdgeFailure(e, PortalName, "GetRoleCredentials") is { } failure)
        {
            throw failure;
        }
        catch (Amazon.SSO.Model.UnauthorizedException e)
        {
            throw LoginRequired("a cached token that the SSO portal no longer accepts", e);
        }
        catch (AmazonServiceException e)
        {
            throw Failure($"The SSO portal refused GetRoleCredentials for {_settings.AccountId}/{_settings.RoleName} with {e.ErrorCode ?? e.StatusCode.ToString()}",
                e.ErrorCode ?? "SsoPortalError", isTransient: (int)e.StatusCode >= 500 || e.ErrorCode == "TooManyRequestsException", inner: null);
        }

        var role = response.RoleCredentials;
        if (role is null || string.IsNullOrEmpty(role.AccessKeyId) || string.IsNullOrEmpty(role.SecretAccessKey) || role.Expiration is not { } expiration)
        {
            throw Failure("The SSO portal answered GetRoleCredentials without credentials", "MalformedResponse", isTransient: true, inner: null);
        }

        // The portal's Date: the session is planned on the clock that wrote its expiration (SessionTiming).
        var reading = portalClock.Last;
        return new SourceFetchResult(new SessionCredentials(role.AccessKeyId, role.SecretAccessKey, role.SessionToken,
            DateTimeOffset.FromUnixTimeMilliseconds(expiration)), reading?.SentAt, reading?.ServerDate);
    }

    /// <summary>A new access token from SSO OIDC; on refusal the old one while it lasts.</summary>
    private async Task<SsoCachedToken> RefreshAsync(SsoCachedToken token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await _oidc.Value.CreateTokenAsync(new CreateTokenRequest
            {
                ClientId = token.ClientId,
                ClientSecret = token.ClientSecret,
                GrantType = "refresh_token",
                RefreshToken = token.RefreshToken,
            }, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(answer.AccessToken) || answer.ExpiresIn is not > 0)
            {
                return token;
            }

            var refreshed = token with
            {
                AccessToken = answer.AccessToken,
                ExpiresAt = now.AddSeconds(answer.ExpiresIn.Value),
                RefreshToken = string.IsNullOrEmpty(answer.RefreshToken) ? token.RefreshToken : answer.RefreshToken,
            };
            await SsoTokenCache.WriteAsync(_settings.CachePath, refreshed, cancellationToken).ConfigureAwait(false);
            return refreshed;
        }
        catch (Exception e) when (EdgeFailure(e, OidcName, "CreateToken") is { } failure)
        {
            if (token.ExpiresAt <= now)
            {
                throw failure;
            }

            // The current token still works: use it, and try refreshing again on the next fetch.
            SourceLog.SsoRefreshFailed(Logger, RoleArn, failure.ErrorCode ?? StsErrorClassifier.NetworkErrorCode);
            return token;
        }
        catch (AmazonServiceException e) when (token.ExpiresAt > now)
        {
            SourceLog.SsoRefreshFailed(Logger, RoleArn, e.ErrorCode ?? e.StatusCode.ToString());
            return token;
        }
        catch (AmazonServiceException e)
        {
            throw LoginRequired($"a cached token that expired and whose refresh SSO OIDC refused ({e.ErrorCode ?? e.StatusCode.ToString()})", e);
        }
    }

    /// <summary>
    /// The failure of the HTTP edge under the SDK, wherever in the exception chain the SDK put it (a refused redirect, a
    /// body over the cap, a request past its time bound), as a clear error; <see langword="null"/> for anything else.
    /// </summary>
    private CredentialRefreshException? EdgeFailure(Exception exception, string endpointName, string operation)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StsRedirectRefusedException redirect:
                    return Failure($"{operation}: {redirect.Message}", StsErrorClassifier.RedirectCode, isTransient: false, inner: null);
                case StsResponseTooLargeException tooLarge:
                    return Failure($"{operation}: {tooLarge.Message}", StsErrorClassifier.MalformedResponseCode, isTransient: true, inner: null);
                case TimeoutException:
                    return Failure($"The {endpointName} did not answer {operation} within {ValueText.Duration(SsoDefaults.RequestTimeout)}",
                        StsErrorClassifier.TimeoutCode, isTransient: true, inner: null);
            }
        }

        return null;
    }

    private CredentialRefreshException LoginRequired(string reason, Exception? inner = null) =>
        new($"The AWS SSO session of profile '{_settings.ProfileName}' has {reason}: {_settings.LoginAdvice}.",
            ProfileName, RoleArn, "SsoLoginRequired", attempts: 1, isTransient: false, inner);
}
