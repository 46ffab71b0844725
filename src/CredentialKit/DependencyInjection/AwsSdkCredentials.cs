using System.Diagnostics.Metrics;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CredentialKit;

/// <summary>
/// Builds the <see cref="AWSCredentials"/> the container hands out for a profile (keyed) and for the default provider
/// (un-keyed): the application's <see cref="AwsCredentialsOptions"/> (<c>CredentialKit:AwsSdk</c>), healings reported to
/// the container's logger and meter, and the SDK pipeline's healing step registered before any client can be built with them.
/// </summary>
internal static class AwsSdkCredentials
{
    /// <summary>Registers the un-keyed credentials and the healing telemetry, unless already registered.</summary>
    public static void AddTo(IServiceCollection services)
    {
        services.TryAddSingleton(static sp => new SessionHealingTelemetry(sp.GetService<ILoggerFactory>(), sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<AWSCredentials>(static sp => Create(sp, sp.GetRequiredService<ICredentialProvider>()));
    }

    public static AWSCredentials Create(IServiceProvider services, ICredentialProvider provider) =>
        provider.ToAwsCredentials(
            services.GetRequiredService<IOptions<CredentialKitOptions>>().Value.AwsSdk,
            services.GetRequiredService<SessionHealingTelemetry>());
}
