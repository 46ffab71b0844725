namespace CredentialKit;

/// <summary>The defaults of sticky regional fallback (<see cref="StsEndpointHealth"/>), in one place for the docs.</summary>
internal static class StsEndpointDefaults
{
    /// <summary>
    /// How long an endpoint is avoided after a refresh first finds it failing: long enough that a burst of refreshes
    /// during an outage goes straight to the healthy endpoint, short enough that a blip costs little traffic on the fallback.
    /// </summary>
    public static readonly TimeSpan CoolDown = TimeSpan.FromSeconds(30);

    /// <summary>The longest cool-down: each failed probe doubles it up to here, so a long outage is probed a few times an hour at least.</summary>
    public static readonly TimeSpan MaxCoolDown = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The timeout of the one attempt that probes an endpoint whose cool-down has ended: a healthy STS answers in well
    /// under it, and a black-holed one costs the probing refresh no more than this before it moves on.
    /// </summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The settings of a probe: one attempt, no retries, the probe timeout (or the attempt timeout when shorter).</summary>
    public static RefreshSettings ProbeSettings(RefreshSettings settings) => settings with
    {
        MaxRetryAttempts = 0,
        AttemptTimeout = settings.AttemptTimeout < ProbeTimeout ? settings.AttemptTimeout : ProbeTimeout,
    };
}
