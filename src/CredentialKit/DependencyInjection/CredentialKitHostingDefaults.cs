namespace CredentialKit;

/// <summary>The defaults and fixed names of the dependency-injection integration, in one place for the README's table.</summary>
internal static class CredentialKitHostingDefaults
{
    /// <summary>The configuration section <see cref="Microsoft.Extensions.DependencyInjection.CredentialKitServiceCollectionExtensions"/> reads profiles from, under the section it is given.</summary>
    public const string ProfilesKey = "Profiles";

    /// <summary>The profile resolved as the un-keyed <see cref="ICredentialProvider"/> when several exist (compared ignoring case).</summary>
    public const string DefaultProfileName = "Default";

    /// <summary>The name of the health check registered by <c>AddCredentialKitHealthCheck</c>.</summary>
    public const string HealthCheckName = "credentialkit";

    /// <summary>Whether every profile fetches its first session while the host starts.</summary>
    public const bool WarmUpOnStart = true;

    /// <summary>The longest pause between background warm-up attempts after a transient failure at start-up, unless the profile's own <see cref="RefreshOptions.FailedRefreshRetryDelay"/> is longer.</summary>
    public static readonly TimeSpan MaxWarmUpRetryDelay = TimeSpan.FromMinutes(5);
}
