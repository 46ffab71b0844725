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
        ThrowIfBlank(name);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = Register(name);
        if (registry.AddSection(name, configuration))
        {
            // Reloads are watched by CredentialProviderFactory, not by an IOptionsChangeTokenSource: the options monitor
            // would throw an invalid reload into the code that called IConfigurationRoot.Reload().
            options.Configure(o => StrictConfigurationBinder.Bind(configuration, o, name));
        }

        return this;
    }

    public ICredentialKitBuilder AddProfile(string name, Action<CredentialKitProfileOptions> configure)
    {
        ThrowIfBlank(name);
        ArgumentNullException.ThrowIfNull(configure);
        Register(name).Configure(configure);
        return this;
    }

    private static void ThrowIfBlank(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException(
                $"A CredentialKit profile name must not be empty or white space (it is the key of the profile's keyed services " +
                $"and named options); it was {(name.Length == 0 ? "empty" : ValueText.Count(name.Length, "white-space character"))}.", nameof(name));
        }
    }

    private OptionsBuilder<CredentialKitProfileOptions> Register(string name)
    {
        var options = Services.AddOptions<CredentialKitProfileOptions>(name);
        if (registry.Add(name))
        {
            options.ValidateOnStart();
            Services.TryAddKeyedSingleton<ICredentialProvider>(name, static (sp, key) =>
                sp.GetRequiredService<ICredentialProviderFactory>().GetProvider((string)key!));
            Services.TryAddKeyedSingleton<AWSCredentials>(name, static (sp, key) =>
                AwsSdkCredentials.Create(sp, sp.GetRequiredKeyedService<ICredentialProvider>(key)));
            AwsClientRegistrations.In(Services).AddProfileOptions(name);
        }

        return options;
    }
}
