using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace CredentialKit;

/// <summary>
/// The AWS SDK's default credential chain, resolved on first use rather than at construction, so building a provider
/// never probes the environment or instance metadata.
/// </summary>
internal sealed class DefaultChainCredentials : AWSCredentials
{
    public override ImmutableCredentials GetCredentials() =>
        DefaultAWSCredentialsIdentityResolver.GetCredentials().GetCredentials();

    public override async Task<ImmutableCredentials> GetCredentialsAsync()
    {
        var resolved = await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().ConfigureAwait(false);
        return await resolved.GetCredentialsAsync().ConfigureAwait(false);
    }
}
