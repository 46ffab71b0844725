using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using CredentialKit;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Connects CredentialKit profiles to the AWS SDK's client registration (<c>AWSSDK.Extensions.NETCore.Setup</c>): service
/// clients built by the container sign every request with a profile's refreshing session.
/// </summary>
public static class CredentialKitAwsServiceBuilderExtensions
{
    /// <summary>Registers the AWS service client <typeparamref name="T"/> (for example <c>IAmazonS3</c>), un-keyed, signed by the CredentialKit profile <paramref name="profileName"/>.</summary>
    /// <typeparam name="T">The AWS service interface, such as <c>IAmazonS3</c>.</typeparam>
    /// <param name="builder">The CredentialKit builder.</param>
    /// <param name="profileName">The profile whose session signs the client.</param>
    /// <param name="lifetime">The client's lifetime; <see cref="ServiceLifetime.Singleton"/> by default, as in the SDK.</param>
    /// <returns>This builder, so calls chain.</returns>
    /// <remarks>
    /// Named as in <c>AWSSDK.Extensions.NETCore.Setup</c>, with the profile in place of the SDK's <see cref="AWSOptions"/>.
    /// Everything but the credentials comes from the application's <see cref="AWSOptions"/>, found as the SDK finds it (the
    /// registered <see cref="AWSOptions"/>, else the <c>AWS</c> configuration section): region, service URL, timeouts,
    /// retries, configuration mode and logging; the client is built by the SDK's own client factory. Every client of a
    /// profile shares the profile's one session. A request the service rejects for that session (<c>ExpiredToken</c>,
    /// <c>InvalidClientTokenId</c>, …) invalidates it and is retried once with a new session (see
    /// <see cref="AwsSdkSessionHealing"/>). A profile name that is not registered, or an <c>AWS:SessionRoleArn</c> in the
    /// application's options, stops the host at start-up with a message naming the call.
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="profileName"/> is empty or white space.</exception>
    /// <example><code>services.AddCredentialKit(configuration.GetSection("CredentialKit")).AddAWSService&lt;IAmazonS3&gt;("reports");</code></example>
    public static ICredentialKitBuilder AddAWSService<T>(this ICredentialKitBuilder builder, string profileName, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where T : class, IAmazonService => Add<T>(builder, serviceKey: null, profileName, configureAction: null, lifetime);

    /// <summary>Registers the AWS service client <typeparamref name="T"/>, un-keyed, signed by the profile <paramref name="profileName"/>, with client settings.</summary>
    /// <typeparam name="T">The AWS service interface, such as <c>IAmazonS3</c>.</typeparam>
    /// <param name="builder">The CredentialKit builder.</param>
    /// <param name="profileName">The profile whose session signs the client.</param>
    /// <param name="configureAction">Changes the client's config after the application's settings were applied, as the SDK's own overload does; gets the container.</param>
    /// <param name="lifetime">The client's lifetime; <see cref="ServiceLifetime.Singleton"/> by default, as in the SDK.</param>
    /// <returns>This builder, so calls chain.</returns>
    /// <remarks>
    /// Named as in <c>AWSSDK.Extensions.NETCore.Setup</c>, with the profile in place of the SDK's <see cref="AWSOptions"/>.
    /// Everything but the credentials comes from the application's <see cref="AWSOptions"/>, found as the SDK finds it (the
    /// registered <see cref="AWSOptions"/>, else the <c>AWS</c> configuration section): region, service URL, timeouts,
    /// retries, configuration mode and logging; the client is built by the SDK's own client factory. Every client of a
    /// profile shares the profile's one session. A request the service rejects for that session (<c>ExpiredToken</c>,
    /// <c>InvalidClientTokenId</c>, …) invalidates it and is retried once with a new session (see
    /// <see cref="AwsSdkSessionHealing"/>). A profile name that is not registered, or an <c>AWS:SessionRoleArn</c> in the
    /// application's options, stops the host at start-up with a message naming the call.
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="profileName"/> is empty or white space.</exception>
    public static ICredentialKitBuilder AddAWSService<T>(
        this ICredentialKitBuilder builder, string profileName, Action<ClientConfig, IServiceProvider> configureAction, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where T : class, IAmazonService
    {
        ArgumentNullException.ThrowIfNull(configureAction);
        return Add<T>(builder, serviceKey: null, profileName, configureAction, lifetime);
    }

    /// <summary>Registers the AWS service client <typeparamref name="T"/> keyed by the profile name <paramref name="profileName"/>, signed by that profile.</summary>
    /// <typeparam name="T">The AWS service interface, such as <c>IAmazonS3</c>.</typeparam>
    /// <param name="builder">The CredentialKit builder.</param>
    /// <param name="profileName">The profile whose session signs the client; also its service key (<c>[FromKeyedServices("reports")] IAmazonS3</c>).</param>
    /// <param name="lifetime">The client's lifetime; <see cref="ServiceLifetime.Singleton"/> by default, as in the SDK.</param>
    /// <returns>This builder, so calls chain.</returns>
    /// <remarks>
    /// Named as in <c>AWSSDK.Extensions.NETCore.Setup</c>, with the profile in place of the SDK's <see cref="AWSOptions"/>.
    /// Everything but the credentials comes from the application's <see cref="AWSOptions"/>, found as the SDK finds it (the
    /// registered <see cref="AWSOptions"/>, else the <c>AWS</c> configuration section): region, service URL, timeouts,
    /// retries, configuration mode and logging; the client is built by the SDK's own client factory. Every client of a
    /// profile shares the profile's one session. A request the service rejects for that session (<c>ExpiredToken</c>,
    /// <c>InvalidClientTokenId</c>, …) invalidates it and is retried once with a new session (see
    /// <see cref="AwsSdkSessionHealing"/>). A profile name that is not registered, or an <c>AWS:SessionRoleArn</c> in the
    /// application's options, stops the host at start-up with a message naming the call.
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="profileName"/> is empty or white space.</exception>
    /// <example><code>builder.AddKeyedAWSService&lt;IAmazonS3&gt;("reports");   // [FromKeyedServices("reports")] IAmazonS3</code></example>
    public static ICredentialKitBuilder AddKeyedAWSService<T>(this ICredentialKitBuilder builder, string profileName, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where T : class, IAmazonService => Add<T>(builder, profileName, profileName, configureAction: null, lifetime);

    /// <summary>Registers the AWS service client <typeparamref name="T"/> keyed by the profile name <paramref name="profileName"/>, signed by that profile, with client settings.</summary>
    /// <typeparam name="T">The AWS service interface, such as <c>IAmazonS3</c>.</typeparam>
    /// <param name="builder">The CredentialKit builder.</param>
    /// <param name="profileName">The profile whose session signs the client; also its service key (<c>[FromKeyedServices("reports")] IAmazonS3</c>).</param>
    /// <param name="configureAction">Changes the client's config after the application's settings were applied, as the SDK's own overload does; gets the container.</param>
    /// <param name="lifetime">The client's lifetime; <see cref="ServiceLifetime.Singleton"/> by default, as in the SDK.</param>
    /// <returns>This builder, so calls chain.</returns>
    /// <remarks>
    /// Named as in <c>AWSSDK.Extensions.NETCore.Setup</c>, with the profile in place of the SDK's <see cref="AWSOptions"/>.
    /// Everything but the credentials comes from the application's <see cref="AWSOptions"/>, found as the SDK finds it (the
    /// registered <see cref="AWSOptions"/>, else the <c>AWS</c> configuration section): region, service URL, timeouts,
    /// retries, configuration mode and logging; the client is built by the SDK's own client factory. Every client of a
    /// profile shares the profile's one session. A request the service rejects for that session (<c>ExpiredToken</c>,
    /// <c>InvalidClientTokenId</c>, …) invalidates it and is retried once with a new session (see
    /// <see cref="AwsSdkSessionHealing"/>). A profile name that is not registered, or an <c>AWS:SessionRoleArn</c> in the
    /// application's options, stops the host at start-up with a message naming the call.
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="profileName"/> is empty or white space.</exception>
    public static ICredentialKitBuilder AddKeyedAWSService<T>(
        this ICredentialKitBuilder builder, string profileName, Action<ClientConfig, IServiceProvider> configureAction, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where T : class, IAmazonService
    {
        ArgumentNullException.ThrowIfNull(configureAction);
        return Add<T>(builder, profileName, profileName, configureAction, lifetime);
    }

    /// <summary>Registers the AWS service client <typeparamref name="T"/> keyed by <paramref name="serviceKey"/>, signed by the profile <paramref name="profileName"/>: so one profile can have several differently configured clients of one type.</summary>
    /// <typeparam name="T">The AWS service interface, such as <c>IAmazonS3</c>.</typeparam>
    /// <param name="builder">The CredentialKit builder.</param>
    /// <param name="serviceKey">The service key (<c>[FromKeyedServices(key)]</c>), as in the SDK's <c>AddKeyedAWSService&lt;T&gt;(serviceKey)</c>.</param>
    /// <param name="profileName">The profile whose session signs the client.</param>
    /// <param name="lifetime">The client's lifetime; <see cref="ServiceLifetime.Singleton"/> by default, as in the SDK.</param>
    /// <returns>This builder, so calls chain.</returns>
    /// <remarks>
    /// Named as in <c>AWSSDK.Extensions.NETCore.Setup</c>, with the profile in place of the SDK's <see cref="AWSOptions"/>.
    /// Everything but the credentials comes from the application's <see cref="AWSOptions"/>, found as the SDK finds it (the
    /// registered <see cref="AWSOptions"/>, else the <c>AWS</c> configuration section): region, service URL, timeouts,
    /// retries, configuration mode and logging; the client is built by the SDK's own client factory. Every client of a
    /// profile shares the profile's one session. A request the service rejects for that session (<c>ExpiredToken</c>,
    /// <c>InvalidClientTokenId</c>, …) invalidates it and is retried once with a new session (see
    /// <see cref="AwsSdkSessionHealing"/>). A profile name that is not registered, or an <c>AWS:SessionRoleArn</c> in the
    /// application's options, stops the host at start-up with a message naming the call.
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="profileName"/> is empty or white space.</exception>
    /// <example><code>builder.AddKeyedAWSService&lt;IAmazonS3&gt;("reports-archive", "reports", (config, _) =&gt; config.Timeout = TimeSpan.FromMinutes(5));</code></example>
    public static ICredentialKitBuilder AddKeyedAWSService<T>(
        this ICredentialKitBuilder builder, object serviceKey, string profileName, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where T : class, IAmazonService
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return Add<T>(builder, serviceKey, profileName, configureAction: null, lifetime);
    }

    /// <summary>Registers the AWS service client <typeparamref name="T"/> keyed by <paramref name="serviceKey"/>, signed by the profile <paramref name="profileName"/>, with client settings.</summary>
    /// <typeparam name="T">The AWS service interface, such as <c>IAmazonS3</c>.</typeparam>
    /// <param name="builder">The CredentialKit builder.</param>
    /// <param name="serviceKey">The service key (<c>[FromKeyedServices(key)]</c>), as in the SDK's <c>AddKeyedAWSService&lt;T&gt;(serviceKey)</c>.</param>
    /// <param name="profileName">The profile whose session signs the client.</param>
    /// <param name="configureAction">Changes the client's config after the application's settings were applied, as the SDK's own overload does; gets the container.</param>
    /// <param name="lifetime">The client's lifetime; <see cref="ServiceLifetime.Singleton"/> by default, as in the SDK.</param>
    /// <returns>This builder, so calls chain.</returns>
    /// <remarks>
    /// Named as in <c>AWSSDK.Extensions.NETCore.Setup</c>, with the profile in place of the SDK's <see cref="AWSOptions"/>.
    /// Everything but the credentials comes from the application's <see cref="AWSOptions"/>, found as the SDK finds it (the
    /// registered <see cref="AWSOptions"/>, else the <c>AWS</c> configuration section): region, service URL, timeouts,
    /// retries, configuration mode and logging; the client is built by the SDK's own client factory. Every client of a
    /// profile shares the profile's one session. A request the service rejects for that session (<c>ExpiredToken</c>,
    /// <c>InvalidClientTokenId</c>, …) invalidates it and is retried once with a new session (see
    /// <see cref="AwsSdkSessionHealing"/>). A profile name that is not registered, or an <c>AWS:SessionRoleArn</c> in the
    /// application's options, stops the host at start-up with a message naming the call.
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="profileName"/> is empty or white space.</exception>
    public static ICredentialKitBuilder AddKeyedAWSService<T>(
        this ICredentialKitBuilder builder, object serviceKey, string profileName, Action<ClientConfig, IServiceProvider> configureAction,
        ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where T : class, IAmazonService
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configureAction);
        return Add<T>(builder, serviceKey, profileName, configureAction, lifetime);
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

    private static ICredentialKitBuilder Add<T>(
        ICredentialKitBuilder builder, object? serviceKey, string profileName, Action<ClientConfig, IServiceProvider>? configureAction, ServiceLifetime lifetime)
        where T : class, IAmazonService
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(profileName);
        AwsClientRegistrations.In(builder.Services).AddClient<T>(profileName, serviceKey, configureAction, lifetime);
        return builder;
    }
}
