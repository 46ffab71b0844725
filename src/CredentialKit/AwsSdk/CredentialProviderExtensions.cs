using Amazon.Runtime;

namespace CredentialKit;

/// <summary>Extensions that connect an <see cref="ICredentialProvider"/> to the AWS SDK.</summary>
public static class CredentialProviderExtensions
{
    /// <summary>
    /// Returns <see cref="AWSCredentials"/> that any AWS SDK client can use; every request is signed with the provider's
    /// current session, refreshed ahead of expiry.
    /// </summary>
    /// <param name="provider">The provider.</param>
    /// <returns>An adapter over <paramref name="provider"/>; create clients with it once and reuse them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="provider"/> is <see langword="null"/>.</exception>
    /// <example><code>var s3 = new AmazonS3Client(provider.ToAwsCredentials(), RegionEndpoint.EUWest1);</code></example>
    public static AWSCredentials ToAwsCredentials(this ICredentialProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return new ProviderAwsCredentials(provider);
    }

    /// <summary>
    /// Returns <see cref="AWSCredentials"/> that any AWS SDK client can use, with the adapter's
    /// <paramref name="options"/> (see <see cref="AwsCredentialsOptions.RaiseThreadPoolMinimumWhileBlocked"/>).
    /// </summary>
    /// <param name="provider">The provider.</param>
    /// <param name="options">The adapter's settings; read once, here.</param>
    /// <returns>An adapter over <paramref name="provider"/>; create clients with it once and reuse them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="provider"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static AWSCredentials ToAwsCredentials(this ICredentialProvider provider, AwsCredentialsOptions options)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(options);
        return new ProviderAwsCredentials(provider, options.RaiseThreadPoolMinimumWhileBlocked);
    }
}
