using Amazon.Runtime;

namespace CredentialKit;

/// <summary>
/// Presents an <see cref="ICredentialProvider"/> to the AWS SDK as <see cref="AWSCredentials"/>, so any SDK client
/// (<c>AmazonS3Client</c>, …) signs with CredentialKit's cached, refreshing session.
/// </summary>
/// <remarks>
/// Both paths hand the SDK the <see cref="ImmutableCredentials"/> built once per session, so a cached read allocates
/// nothing. The SDK's synchronous path blocks only when no usable session is held (the first call, or after expiry); an
/// application that opted in keeps the thread pool able to run the refresh meanwhile (<see cref="ThreadPoolWaitBoost"/>).
/// A client's <see cref="SessionHealingHandler"/> recognises these credentials as the request's identity.
/// </remarks>
internal sealed class ProviderAwsCredentials(
    ICredentialProvider provider,
    bool raiseThreadPoolMinimumWhileBlocked = false,
    bool healRejectedSessions = true,
    SessionHealingTelemetry? telemetry = null) : AWSCredentials
{
    public ICredentialProvider Provider { get; } = provider;

    /// <summary>Gets whether a blocked synchronous caller raises the thread-pool minimum (the application's choice).</summary>
    public bool RaiseThreadPoolMinimumWhileBlocked { get; } = raiseThreadPoolMinimumWhileBlocked;

    /// <summary>Gets whether a request rejected for these credentials invalidates the session and is retried once.</summary>
    public bool HealRejectedSessions { get; } = healRejectedSessions;

    /// <summary>Gets where healings are reported: the container's logger and meter, else what <see cref="AwsSdkSessionHealing.Enable"/> was given.</summary>
    public SessionHealingTelemetry Telemetry => telemetry ?? AwsSdkSessionHealing.Telemetry;

    public override ImmutableCredentials GetCredentials()
    {
        var pending = Provider.GetCredentialsAsync(CancellationToken.None);
        if (pending.IsCompletedSuccessfully)
        {
            return pending.Result.SdkCredentials;
        }

        // AWSCredentials.GetCredentials is synchronous by contract; with nothing cached there is no way but to wait. Keeping
        // the refresh from queueing behind other blocked callers means changing the process-wide pool minimum, which only
        // the application may decide.
        return RaiseThreadPoolMinimumWhileBlocked
            ? ThreadPoolWaitBoost.Wait(pending.AsTask()).SdkCredentials
            : pending.AsTask().GetAwaiter().GetResult().SdkCredentials;
    }

    public override Task<ImmutableCredentials> GetCredentialsAsync()
    {
        var pending = Provider.GetCredentialsAsync(CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result.SdkCredentialsTask : AwaitAsync(pending);

        static async Task<ImmutableCredentials> AwaitAsync(ValueTask<SessionCredentials> pending) =>
            (await pending.ConfigureAwait(false)).SdkCredentials;
    }
}
