using CredentialKit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the CredentialKit health check to an <see cref="IHealthChecksBuilder"/>.</summary>
public static class CredentialKitHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check over every profile registered with <c>AddCredentialKit</c>: Healthy when all hold fresh credentials,
    /// Degraded when one serves cached credentials after a failed refresh or is below its minimum lifetime, and
    /// <paramref name="failureStatus"/> when one has no credentials. The description names the worst profiles; the data
    /// lists each profile's state, remaining lifetime in seconds and last error code, never a secret.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported when a profile has no credentials; <see langword="null"/> means <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by, for example <c>ready</c>.</param>
    /// <returns>The builder, so calls chain.</returns>
    /// <remarks>
    /// A profile that has not fetched credentials yet has none: with <see cref="CredentialKitOptions.WarmUpOnStart"/> off,
    /// the check reports it until its first use.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public static IHealthChecksBuilder AddCredentialKitHealthCheck(
        this IHealthChecksBuilder builder,
        string name = CredentialKitHostingDefaults.HealthCheckName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            static sp => new CredentialKitHealthCheck(sp.GetRequiredService<ICredentialProviderFactory>(), sp.GetService<SessionCache>()),
            failureStatus,
            tags));
    }
}
