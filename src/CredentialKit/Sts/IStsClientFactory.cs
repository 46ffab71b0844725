using Amazon.Runtime;
using Amazon.SecurityToken;

namespace CredentialKit;

/// <summary>Creates the AWS STS clients CredentialKit calls. Replace it to use a pre-configured or substituted client.</summary>
public interface IStsClientFactory
{
    /// <summary>Creates an STS client that signs with <paramref name="credentials"/> and reaches the endpoint <paramref name="options"/> describes.</summary>
    /// <param name="credentials">The credentials that sign requests (the previous hop's session, or the source credentials).</param>
    /// <param name="options">The endpoint settings.</param>
    /// <returns>A client; CredentialKit disposes it when the session it serves is disposed.</returns>
    IAmazonSecurityTokenService CreateClient(AWSCredentials credentials, StsOptions options);
}
