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
        return new ProviderAwsCredentials(provider, options.RaiseThreadPoolMinimumWhileBlocked, options.HealRejectedSessions);
    }

    /// <summary>
    /// Drops the provider's cached session only if it is still the one <paramref name="rejected"/> came from (matched by
    /// access key id): what code holding the AWS SDK's <see cref="ImmutableCredentials"/> should call after a service answered
    /// <c>ExpiredToken</c> or <c>InvalidClientTokenId</c> for them. Coalesces exactly as
    /// <see cref="ICredentialProvider.Invalidate(SessionCredentials)"/> does: any number of callers reporting the same
    /// credentials cost one STS call. Never waits.
    /// </summary>
    /// <param name="provider">The provider whose session signed the rejected request.</param>
    /// <param name="rejected">The credentials the service rejected, as the SDK handed them to the signer.</param>
    /// <returns>
    /// <see langword="true"/> when the held session was <paramref name="rejected"/> and was reported to the provider;
    /// <see langword="false"/> when the provider already holds another session, or none (a refresh is under way).
    /// </returns>
    /// <remarks>Clients registered through CredentialKit, or built by hand after <see cref="AwsSdkSessionHealing.Enable"/>, do this themselves.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="provider"/> or <paramref name="rejected"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The provider was disposed.</exception>
    public static bool Invalidate(this ICredentialProvider provider, ImmutableCredentials rejected)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(rejected);
        return HeldSessionInvalidation.Invalidate(provider, rejected.AccessKey);
    }

    /// <summary>The adapter the dependency-injection integration registers: the container's telemetry, and the healing step registered.</summary>
    internal static AWSCredentials ToAwsCredentials(this ICredentialProvider provider, AwsCredentialsOptions options, SessionHealingTelemetry telemetry)
    {
        if (options.HealRejectedSessions)
        {
            AwsSdkSessionHealing.EnsureRegistered();
        }

        return new ProviderAwsCredentials(provider, options.RaiseThreadPoolMinimumWhileBlocked, options.HealRejectedSessions, telemetry);
    }
}
