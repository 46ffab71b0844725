using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Amazon.Runtime;
using CredentialKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CredentialKit in an <see cref="IServiceCollection"/>.</summary>
public static class CredentialKitServiceCollectionExtensions
{
    /// <summary>
    /// Registers CredentialKit's shared services: one <see cref="SessionCache"/>, the <see cref="ICredentialProviderFactory"/>,
    /// the un-keyed <see cref="ICredentialProvider"/> and <see cref="AWSCredentials"/> (the only profile, or the one named
    /// <c>Default</c>), and a hosted service that warms every profile at start-up. Add profiles on the returned builder.
    /// Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to add profiles with.</returns>
    /// <remarks>
    /// Each profile also gets keyed services under its name: <c>[FromKeyedServices("reports")] ICredentialProvider</c> and
    /// <c>[FromKeyedServices("reports")] AWSCredentials</c>. The <see cref="SessionCache"/> takes <see cref="TimeProvider"/>,
    /// <c>ILoggerFactory</c>, <c>IMeterFactory</c> and <see cref="IStsClientFactory"/> from the container when they are
    /// registered; set <see cref="CredentialKitOptions.SessionCache"/> to override them. Disposing the container disposes
    /// the providers and the cache.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static ICredentialKitBuilder AddCredentialKit(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        var registry = services.FirstOrDefault(d => d.ServiceType == typeof(CredentialKitRegistry) && !d.IsKeyedService)?.ImplementationInstance as CredentialKitRegistry;
        if (registry is null)
        {
            registry = new CredentialKitRegistry();
            services.AddSingleton(registry);
        }

        services.AddOptions<CredentialKitOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CredentialKitOptions>, CredentialKitOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CredentialKitProfileOptions>, CredentialKitProfileOptionsValidator>());
        services.TryAddSingleton(static sp => new SessionCache(CacheOptionsFrom(sp)));
        services.TryAddSingleton(static sp => new CredentialProviderFactory(
            sp.GetRequiredService<CredentialKitRegistry>(),
            sp.GetRequiredService<IOptionsMonitor<CredentialKitProfileOptions>>(),
            sp.GetRequiredService<SessionCache>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            sp.GetRequiredService<IOptionsFactory<CredentialKitProfileOptions>>(),
            sp.GetRequiredService<IOptionsMonitorCache<CredentialKitProfileOptions>>()));
        services.TryAddSingleton<ICredentialProviderFactory>(static sp => sp.GetRequiredService<CredentialProviderFactory>());
        services.TryAddSingleton<ICredentialProvider>(static sp => sp.GetRequiredService<CredentialProviderFactory>().GetDefaultProvider());
        AwsSdkCredentials.AddTo(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CredentialKitWarmUpService>(static sp => new CredentialKitWarmUpService(
            sp.GetRequiredService<CredentialProviderFactory>(),
            sp.GetRequiredService<IOptions<CredentialKitOptions>>(),
            sp.GetRequiredService<IOptionsMonitor<CredentialKitProfileOptions>>(),
            sp.GetRequiredService<SessionCache>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance)));
        return new CredentialKitBuilder(services, registry);
    }

    /// <summary>
    /// Registers CredentialKit (see <see cref="AddCredentialKit(IServiceCollection)"/>), binds <see cref="CredentialKitOptions"/>
    /// from <paramref name="configuration"/> and registers every profile under its <c>Profiles</c> child.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The <c>CredentialKit</c> section: <c>WarmUpOnStart</c>, <c>SessionCache:SizeLimit</c> and <c>Profiles:&lt;name&gt;</c>.</param>
    /// <returns>A builder, for example to add settings that only code can give (<c>AddProfile(name, o =&gt; …)</c>).</returns>
    /// <remarks>
    /// The set of profiles is read once, here; a reload updates the settings of these profiles but does not add or remove
    /// any. Unknown keys anywhere in the section stop the host from starting, naming the key path.
    /// </remarks>
    /// <example><code>builder.Services.AddCredentialKit(builder.Configuration.GetSection("CredentialKit"));</code></example>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    [RequiresUnreferencedCode(StrictConfigurationBinder.TrimmingMessage)]
    [RequiresDynamicCode(StrictConfigurationBinder.AotMessage)]
    public static ICredentialKitBuilder AddCredentialKit(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var builder = services.AddCredentialKit();
        var registry = services.First(d => d.ServiceType == typeof(CredentialKitRegistry) && !d.IsKeyedService).ImplementationInstance as CredentialKitRegistry;
        if (registry?.AddSection(name: null, configuration) == false)
        {
            // The same section again: binding it twice would double its lists, and every profile is registered already.
            return builder;
        }

        var (profiles, problems) = ConfiguredProfiles.Read(configuration);
        services.AddOptions<CredentialKitOptions>().Configure(options =>
        {
            StrictConfigurationBinder.Bind(configuration, options, optionsName: null, CredentialKitHostingDefaults.ProfilesKey);
            BindingFailures.Add(options, problems);
        });
        foreach (var profile in profiles)
        {
            builder.AddProfile(profile.Key, profile);
        }

        return builder;
    }

    private static SessionCacheOptions CacheOptionsFrom(IServiceProvider services)
    {
        var configured = services.GetRequiredService<IOptions<CredentialKitOptions>>().Value.SessionCache;
        return new SessionCacheOptions
        {
            SizeLimit = configured.SizeLimit,
            StsRequestsPerSecond = configured.StsRequestsPerSecond,
            StsRequestBurst = configured.StsRequestBurst,
            FleetStsRequestsPerSecond = configured.FleetStsRequestsPerSecond,
            FleetStsRequestBurst = configured.FleetStsRequestBurst,
            PerRoleMetrics = configured.PerRoleMetrics,
            TimeProvider = configured.TimeProvider ?? services.GetService<TimeProvider>(),
            LoggerFactory = configured.LoggerFactory ?? services.GetService<ILoggerFactory>(),
            MeterFactory = configured.MeterFactory ?? services.GetService<IMeterFactory>(),
            StsClientFactory = configured.StsClientFactory ?? services.GetService<IStsClientFactory>(),
            Random = configured.Random,
            MemoryCache = configured.MemoryCache,
            // Set by AddRedisSessionStore (CredentialKit.Redis) or any other registered store.
            SharedStore = configured.SharedStore ?? services.GetService<ISharedSessionStore>(),
        };
    }
}
