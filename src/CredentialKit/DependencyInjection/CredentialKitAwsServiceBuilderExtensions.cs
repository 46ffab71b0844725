using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using CredentialKit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Connects CredentialKit profiles to the AWS SDK's client registration (<c>AWSSDK.Extensions.NETCore.Setup</c>): service
/// clients built by the container sign every request with a profile's refreshing session.
/// </summary>
public static class CredentialKitAwsServiceBuilderExtensions
{
    /// <summary>
    /// Registers the AWS service client <typeparamref name="T"/> (for example <c>IAmazonS3</c>) as a keyed service under
    /// <paramref name="profileName"/>, signed by that CredentialKit profile's session.
    /// </summary>
    /// <typeparam name="T">The AWS service interface, such as <c>IAmazonS3</c>.</typeparam>
    /// <param name="builder">The CredentialKit builder.</param>
    /// <param name="profileName">The profile that signs the client; also the service key (<c>[FromKeyedServices("reports")] IAmazonS3</c>).</param>
    /// <param name="lifetime">The client's lifetime; <see cref="ServiceLifetime.Singleton"/> by default, as in the SDK's own <c>AddAWSService</c>.</param>
    /// <returns>This builder, so calls chain.</returns>
    /// <remarks>
    /// Everything but the credentials comes from the application's <see cref="AWSOptions"/>, found as the SDK finds it: the
    /// registered <see cref="AWSOptions"/> (<c>AddDefaultAWSOptions</c>), else the <c>AWS</c> section of the container's
    /// <c>IConfiguration</c> (<c>GetAWSOptions()</c>): region, <see cref="AWSOptions.DefaultClientConfig"/> (service URL,
    /// timeouts, retries), configuration mode and logging. Every client of a profile shares the profile's one session: N
    /// clients cost one AssumeRole per hop and refresh. The profile's <see cref="AWSOptions"/> is also registered, keyed by
    /// its name, for clients built by hand (<c>CreateServiceClient&lt;T&gt;()</c>). A profile name that is not registered,
    /// or an <c>AWS:SessionRoleArn</c> in the application's options (the SDK would assume that role a second time), stops
    /// the host at start-up with a message naming the profile.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="profileName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="profileName"/> is empty or white space.</exception>
    /// <example><code>services.AddCredentialKit(configuration.GetSection("CredentialKit")).AddAWSService&lt;IAmazonS3&gt;("reports");</code></example>
    public static ICredentialKitBuilder AddAWSService<T>(this ICredentialKitBuilder builder, string profileName, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where T : class, IAmazonService
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(profileName);

        var registrations = AwsClientRegistrations.In(builder.Services);
        registrations.AddClient(profileName, typeof(T));
        builder.Services.TryAddKeyedSingleton<AWSOptions>(profileName, (sp, key) => registrations.CreateProfileOptions(sp, (string)key!));
        builder.Services.Add(new ServiceDescriptor(
            typeof(T),
            profileName,
            static (sp, key) => sp.GetRequiredKeyedService<AWSOptions>(key).CreateServiceClient<T>(),
            lifetime));
        return builder;
    }

    /// <summary>
    /// Makes the profile <paramref name="profileName"/> sign every client the AWS SDK's own registration builds from the
    /// application's default options: <c>services.AddAWSService&lt;T&gt;()</c> and <c>services.AddKeyedAWSService&lt;T&gt;(key)</c>.
    /// </summary>
    /// <param name="builder">The CredentialKit builder.</param>
    /// <param name="profileName">The profile whose session signs the SDK's clients.</param>
    /// <returns>This builder, so calls chain.</returns>
    /// <remarks>
    /// Replaces the container's <see cref="AWSOptions"/> with a copy of the application's own (the <see cref="AWSOptions"/>
    /// registered before this call, else the <c>AWS</c> configuration section) whose <see cref="AWSOptions.Credentials"/> is
    /// the profile's session; the application's object is not changed. Call it after <c>AddDefaultAWSOptions</c>: an
    /// <see cref="AWSOptions"/> registered later would hide the copy, and the host then refuses to start, saying so. Clients
    /// given their own <see cref="AWSOptions"/> (<c>AddAWSService&lt;T&gt;(options)</c>) keep their own credentials.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="profileName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="profileName"/> is empty or white space.</exception>
    /// <exception cref="InvalidOperationException">Another profile was already made the default.</exception>
    /// <example><code>
    /// services.AddCredentialKit(configuration.GetSection("CredentialKit")).UseAsDefaultAWSCredentials("reports");
    /// services.AddAWSService&lt;IAmazonSQS&gt;();   // signed by the reports profile
    /// </code></example>
    public static ICredentialKitBuilder UseAsDefaultAWSCredentials(this ICredentialKitBuilder builder, string profileName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(profileName);

        var registrations = AwsClientRegistrations.In(builder.Services);
        var descriptor = ServiceDescriptor.Singleton<AWSOptions>(sp => registrations.CreateDefaultOptions(sp));
        registrations.SetDefault(profileName, descriptor);
        builder.Services.Add(descriptor);
        return builder;
    }
}
