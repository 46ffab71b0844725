using System.Diagnostics.CodeAnalysis;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CredentialKit;

/// <summary>Registers profiles: named options (bound, validated on start, reloadable) and keyed services per name.</summary>
internal sealed class CredentialKitBuilder(IServiceCollection services, CredentialKitRegistry registry) : ICredentialKitBuilder
{
    public IServiceCollection Services { get; } = services;

    [RequiresUnreferencedCode(StrictConfigurationBinder.TrimmingMessage)]
    [RequiresDynamicCode(StrictConfigurationBinder.AotMessage)]
    public ICredentialKitBuilder AddProfile(string name, IConfiguration configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        Register(name).Configure(options => StrictConfigurationBinder.Bind(configuration, options, name));

        // The token source makes IOptionsMonitor notice reloads of this section and rebuild the profile.
        Services.AddSingleton<IOptionsChangeTokenSource<CredentialProfileOptions>>(
            new ConfigurationChangeTokenSource<CredentialProfileOptions>(name, configuration));
        return this;
    }

    public ICredentialKitBuilder AddProfile(string name, Action<CredentialProfileOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        Register(name).Configure(configure);
        return this;
    }

    private OptionsBuilder<CredentialProfileOptions> Register(string name)
    {
        var options = Services.AddOptions<CredentialProfileOptions>(name);
        if (registry.Add(name))
        {
            options.ValidateOnStart();
            Services.TryAddKeyedSingleton<ICredentialProvider>(name, static (sp, key) =>
                sp.GetRequiredService<ICredentialProviderFactory>().GetProvider((string)key!));
            Services.TryAddKeyedSingleton<AWSCredentials>(name, static (sp, key) =>
                sp.GetRequiredKeyedService<ICredentialProvider>(key).ToAwsCredentials());
        }

        return options;
    }
}
