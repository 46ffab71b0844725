namespace CredentialKit.Samples.Worker;

/// <summary>How often the sample calls STS and reports health, and how long it runs (the <c>Worker</c> section).</summary>
public sealed class WorkerSettings
{
    /// <summary>Gets or sets the pause between GetCallerIdentity calls.</summary>
    public TimeSpan CallInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the pause between health reports.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long the sample runs before stopping the host; zero runs until Ctrl+C.</summary>
    public TimeSpan RunFor { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Gets or sets when the sample has LocalSts revoke the <c>reports</c> session (as AWS does when a role session is revoked),
    /// to show the clients heal on their next call; zero never revokes.
    /// </summary>
    public TimeSpan RevokeSessionAfter { get; set; } = TimeSpan.FromSeconds(12);
}
