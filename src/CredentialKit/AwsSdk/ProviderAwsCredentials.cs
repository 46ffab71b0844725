using Amazon.Runtime;

namespace CredentialKit;

/// <summary>
/// Presents an <see cref="ICredentialProvider"/> to the AWS SDK as <see cref="AWSCredentials"/>, so any SDK client
/// (<c>AmazonS3Client</c>, …) signs with CredentialKit's cached, refreshing session.
/// </summary>
/// <remarks>
/// Both paths hand the SDK the <see cref="ImmutableCredentials"/> built once per session, so a cached read allocates
/// nothing. The SDK's synchronous path blocks only when no usable session is held (the first call, or after expiry), and
/// then without starving the thread pool (<see cref="ThreadPoolWaitBoost"/>).
/// </remarks>
internal sealed class ProviderAwsCredentials(ICredentialProvider provider) : AWSCredentials
{
    public ICredentialProvider Provider { get; } = provider;

    public override ImmutableCredentials GetCredentials()
    {
        var pending = Provider.GetCredentialsAsync(CancellationToken.None);
        if (pending.IsCompletedSuccessfully)
        {
            return pending.Result.SdkCredentials;
        }

        // AWSCredentials.GetCredentials is synchronous by contract; with nothing cached there is no way but to wait, and the
        // wait must not leave the refresh queued behind other blocked callers until the thread pool grows.
        return ThreadPoolWaitBoost.Wait(pending.AsTask()).SdkCredentials;
    }

    public override Task<ImmutableCredentials> GetCredentialsAsync()
    {
        var pending = Provider.GetCredentialsAsync(CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result.SdkCredentialsTask : AwaitAsync(pending);

        static async Task<ImmutableCredentials> AwaitAsync(ValueTask<SessionCredentials> pending) =>
            (await pending.ConfigureAwait(false)).SdkCredentials;
    }
}
