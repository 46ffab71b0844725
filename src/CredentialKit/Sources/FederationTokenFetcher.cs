using Amazon.Runtime;
using Amazon.SecurityToken.Model;

namespace CredentialKit;

/// <summary>Issues the source session with STS <c>GetFederationToken</c>, signed by long-term credentials.</summary>
internal sealed class FederationTokenFetcher : StsSourceFetcher
{
    private const string OperationName = "GetFederationToken";

    private readonly FederationTokenSettings _settings;

    public FederationTokenFetcher(FederationTokenSettings settings, AWSCredentials signer, StsOptions sts, RefreshSettings refresh, CredentialKitContext context, string? profileName)
        : base(OperationName, settings.Subject, signer, sts, refresh, context, profileName) =>
        _settings = settings;

    protected override async Task<SessionCredentials> FetchCoreAsync(StsCallState call, CancellationToken cancellationToken)
    {
        var request = new GetFederationTokenRequest { Name = _settings.Name };
        if (_settings.Duration is { } duration)
        {
            request.DurationSeconds = (int)duration.TotalSeconds;
        }

        if (_settings.Policy is { } policy)
        {
            request.Policy = policy;
        }

        request.PolicyArns = PolicyDescriptors.From(_settings.PolicyArns);

        if (_settings.Tags.Length > 0)
        {
            request.Tags = SessionTags.From(_settings.Tags);
        }

        var (response, region) = await CallAsync((client, ct) => client.GetFederationTokenAsync(request, ct), call, new SentSecrets(), cancellationToken).ConfigureAwait(false);
        var credentials = response.Credentials ?? throw MissingCredentials();
#pragma warning disable CS0618 // STS still sends PackedPolicySize on the wire; the SDK marks the property obsolete in favour of a newer member.
        var packedPolicySize = response.PackedPolicySize;
#pragma warning restore CS0618
        ExpectedIdentity.FederatedUser(_settings.Name).Check(OperationName, response.FederatedUser?.Arn);
        return StsResponses.ToSessionCredentials(credentials, response.FederatedUser?.Arn, sourceIdentity: null, packedPolicySize, region);
    }
}
