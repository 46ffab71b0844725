using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// Warns at start-up about the AWS SDK's own keyed registration whose key is a CredentialKit profile's name
/// (<c>services.AddKeyedAWSService&lt;IAmazonS3&gt;("billing")</c> with a profile <c>billing</c>): it reads like a client of
/// that profile, but the SDK signs it with its default credentials.
/// </summary>
internal sealed class AwsClientKeyWarnings(
    AwsClientRegistrations registrations, CredentialKitRegistry registry, ILoggerFactory loggerFactory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var profiles = registry.Names;
        var logger = loggerFactory.CreateLogger("CredentialKit.AwsSdk");
        foreach (var descriptor in registrations.KeyedClientDescriptors())
        {
            if (descriptor.ServiceKey is string key && profiles.Contains(key, StringComparer.Ordinal) && !registrations.IsOwn(descriptor))
            {
                var signedBy = registrations.DefaultProfile is { } profile
                    ? $"the default CredentialKit profile '{profile}' (UseAsDefaultAWSCredentials)"
                    : "the AWS SDK's default credentials";
                AwsSdkLog.KeyNamesProfileThatDoesNotSign(logger, descriptor.ServiceType.Name, key, signedBy);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
