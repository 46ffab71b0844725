namespace CredentialKit;

/// <summary>
/// Settings of the <see cref="Amazon.Runtime.AWSCredentials"/> adapter that AWS SDK clients sign with
/// (<see cref="CredentialProviderExtensions.ToAwsCredentials(ICredentialProvider, AwsCredentialsOptions)"/>); bound from
/// <c>CredentialKit:AwsSdk</c> when CredentialKit is registered from configuration.
/// </summary>
public sealed class AwsCredentialsOptions
{
    /// <summary>
    /// Gets or sets whether a thread-pool thread that has to block in the SDK's synchronous <c>GetCredentials()</c> (the
    /// provider holds no usable session yet: the first call, or after expiry) raises the process-wide
    /// <see cref="ThreadPool.SetMinThreads(int, int)"/> worker minimum while it blocks, and puts it back when the last
    /// blocked caller returns.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The refresh that releases blocked callers is itself thread-pool work (with its HTTP completions). When many pool
    /// threads block at once, for example generating presigned URLs on a cold provider, the refresh waits behind them until
    /// the pool grows at its starvation rate, and can outlast the attempt timeout. Raising the minimum lets the pool create
    /// the threads at once, so many blocked callers cost about what one costs (docs/benchmarks.md, section 7).
    /// </para>
    /// <para>
    /// The trade-off: the thread-pool minimum belongs to the whole process, so while callers block, every other component
    /// sees a larger pool, and a minimum the application sets meanwhile is left as the application set it. Leave it off when
    /// the application sets its own minimum (<c>ThreadPool.SetMinThreads</c> or <c>System.Threading.ThreadPool.MinThreads</c>
    /// in runtimeconfig.json), uses only the SDK's asynchronous calls, or calls <c>GetCredentials()</c> outside the pool;
    /// none of those starve it.
    /// </para>
    /// </remarks>
    /// <value>The default is <see langword="false"/>: CredentialKit never changes the thread-pool settings.</value>
    public bool RaiseThreadPoolMinimumWhileBlocked { get; set; }

    /// <summary>
    /// Gets or sets whether an AWS SDK request rejected for these credentials (<c>ExpiredToken</c>, <c>InvalidClientTokenId</c>,
    /// "The security token included in the request is expired"/"invalid") invalidates exactly the session it was signed with
    /// and is retried once with a new session (<see cref="AwsSdkSessionHealing"/>).
    /// </summary>
    /// <remarks>
    /// Turn it off only when the application handles those errors itself. Clients registered through CredentialKit's
    /// dependency-injection integration heal with no further call; a client built by hand needs
    /// <see cref="AwsSdkSessionHealing.Enable"/> once, before it is built.
    /// </remarks>
    /// <value>The default is <see langword="true"/>.</value>
    public bool HealRejectedSessions { get; set; } = true;
}
