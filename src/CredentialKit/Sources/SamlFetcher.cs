using Amazon.Runtime;
using Amazon.SecurityToken.Model;

namespace CredentialKit;

/// <summary>
/// Issues the source session with STS <c>AssumeRoleWithSAML</c>, unsigned, with a fresh assertion from the callback on
/// every refresh. The assertion is never logged.
/// </summary>
internal sealed class SamlFetcher : StsSourceFetcher
{
    private const string OperationName = "AssumeRoleWithSAML";

    private readonly SamlSettings _settings;
    private readonly SessionDurationFallback _duration;
    private readonly ExpectedIdentity _identity;

    public SamlFetcher(SamlSettings settings, StsOptions sts, RefreshSettings refresh, CredentialKitContext context, string? profileName)
        : base(OperationName, settings.RoleArn, new AnonymousAWSCredentials(), sts, refresh, context, profileName)
    {
        _settings = settings;
        _duration = new SessionDurationFallback(settings.Duration);

        // The session name comes from the assertion's RoleSessionName attribute: only the role is known here.
        _identity = ExpectedIdentity.AssumedRole(settings.RoleArn, sessionName: null);
    }

    protected override async Task<SessionCredentials> FetchCoreAsync(StsCallState call, CancellationToken cancellationToken)
    {
        var assertion = await GetAssertionAsync(cancellationToken).ConfigureAwait(false);
        var secrets = new SentSecrets();
        secrets.Add(assertion);
        while (true)
        {
            var request = new AssumeRoleWithSAMLRequest
            {
                RoleArn = _settings.RoleArn,
                PrincipalArn = _settings.PrincipalArn,
                SAMLAssertion = assertion,
                DurationSeconds = (int)_duration.Current.TotalSeconds,
            };
            if (_settings.Policy is { } policy)
            {
                request.Policy = policy;
            }

            request.PolicyArns = PolicyDescriptors.From(_settings.PolicyArns);

            try
            {
                var (response, region) = await CallAsync((client, ct) => client.AssumeRoleWithSAMLAsync(request, ct), call, secrets, cancellationToken).ConfigureAwait(false);
                var credentials = response.Credentials ?? throw MissingCredentials();
#pragma warning disable CS0618 // STS still sends PackedPolicySize on the wire; the SDK marks the property obsolete in favour of a newer member.
                var packedPolicySize = response.PackedPolicySize;
#pragma warning restore CS0618
                _identity.Check(OperationName, response.AssumedRoleUser?.Arn);
                return StsResponses.ToSessionCredentials(credentials, response.AssumedRoleUser?.Arn, response.SourceIdentity, packedPolicySize, region);
            }
            catch (AmazonServiceException e) when (_duration.TryFallBack(e, Logger, RoleArn))
            {
                // Retried with the one hour every role allows.
            }
        }
    }

    private async ValueTask<string> GetAssertionAsync(CancellationToken cancellationToken)
    {
        string? assertion;
        try
        {
            assertion = await _settings.AssertionProvider(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw SourceFailure($"The SAML assertion callback failed: {e.GetType().Name}", "SamlAssertionUnavailable", isTransient: true, e);
        }

        return string.IsNullOrWhiteSpace(assertion)
            ? throw SourceFailure("The SAML assertion callback returned no assertion", "SamlAssertionEmpty", isTransient: false, inner: null)
            : assertion.Trim();
    }
}
