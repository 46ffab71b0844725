namespace CredentialKit;

/// <summary>
/// Settings shared by every profile registered with <c>AddCredentialKit</c>: the top level of the <c>CredentialKit</c>
/// configuration section, beside <c>Profiles</c>.
/// </summary>
/// <example>
/// <code>
/// "CredentialKit": {
///   "WarmUpOnStart": true,
///   "SessionCache": { "SizeLimit": 2048 },
///   "AwsSdk": { "RaiseThreadPoolMinimumWhileBlocked": false },
///   "Profiles": { "reports": { "Roles": [ { "RoleArn": "arn:aws:iam::444455556666:role/reports" } ] } }
/// }
/// </code>
/// </example>
public sealed class CredentialKitOptions
{
    /// <summary>
    /// Gets or sets whether every profile fetches its first session while the host starts. A failure that cannot succeed
    /// by retrying (<c>AccessDenied</c>, an invalid request) stops the host from starting, naming the profile; a transient
    /// one is logged and retried in the background, and the host starts.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool WarmUpOnStart { get; set; } = CredentialKitHostingDefaults.WarmUpOnStart;

    /// <summary>
    /// Gets the settings of the one <see cref="CredentialKit.SessionCache"/> all profiles share. Only
    /// <see cref="SessionCacheOptions.SizeLimit"/>, <see cref="SessionCacheOptions.StsRequestsPerSecond"/> and
    /// <see cref="SessionCacheOptions.StsRequestBurst"/> and <see cref="SessionCacheOptions.PerRoleMetrics"/> come from configuration; services left unset here are taken from
    /// the container (<see cref="TimeProvider"/>, <c>ILoggerFactory</c>, <c>IMeterFactory</c>, <see cref="IStsClientFactory"/>),
    /// falling back to the <see cref="CredentialKit.SessionCache"/> defaults when the container has none.
    /// </summary>
    /// <value>The default is a new <see cref="SessionCacheOptions"/> (1024 sessions, 100 STS calls per second, gauges per profile).</value>
    public SessionCacheOptions SessionCache { get; } = new();

    /// <summary>
    /// Gets the settings of the <see cref="Amazon.Runtime.AWSCredentials"/> registered for each profile, which AWS SDK clients
    /// sign with (<c>CredentialKit:AwsSdk</c> in configuration).
    /// </summary>
    /// <value>The default is a new <see cref="AwsCredentialsOptions"/>: the thread-pool settings are never changed.</value>
    public AwsCredentialsOptions AwsSdk { get; } = new();
}
