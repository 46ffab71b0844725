using System.Globalization;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CredentialKit.Tests.DependencyInjection;

/// <summary>
/// Builds hosts and service providers with CredentialKit over the STS stub, the manual clock and a capturing logger, from
/// an in-memory <c>CredentialKit</c> configuration the test fills in. One fixture (and one fresh collection) per test.
/// </summary>
public sealed class DependencyInjectionFixture
{
    public const string HubArn = ProviderFixture.HubArn;
    public const string ReportsArn = ProviderFixture.ReportsArn;
    public const string BillingArn = ProviderFixture.BillingArn;

    public ManualTimeProvider Time { get; } = new();

    public StsStub Sts { get; }

    public CapturingLoggerFactory Logs { get; } = new();

    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    public DependencyInjectionFixture() => Sts = new StsStub(Time);

    public static string Key(string profile, string path) => $"CredentialKit:Profiles:{profile}:{path}";

    /// <summary>Adds a valid profile: static source, the given roles, no jitter, no background timer, no retry delay.</summary>
    public DependencyInjectionFixture WithProfile(string name, params string[] roleArns)
    {
        Settings[Key(name, "Source:Type")] = "Static";
        Settings[Key(name, "Source:AccessKeyId")] = ProviderFixture.SourceAccessKeyId;
        Settings[Key(name, "Source:SecretAccessKey")] = ProviderFixture.SourceSecret;
        var arns = roleArns.Length == 0 ? [HubArn] : roleArns;
        for (var i = 0; i < arns.Length; i++)
        {
            Settings[Key(name, $"Roles:{i}:RoleArn")] = arns[i];
            Settings[Key(name, $"Roles:{i}:RoleSessionName")] = "test-session";
        }

        Settings[Key(name, "Refresh:JitterFraction")] = "0";
        Settings[Key(name, "Refresh:BackgroundRefresh")] = "false";
        Settings[Key(name, "Refresh:RetryBaseDelay")] = "00:00:00";
        return this;
    }

    public DependencyInjectionFixture Set(string key, object? value)
    {
        Settings[key] = Convert.ToString(value, CultureInfo.InvariantCulture);
        return this;
    }

    public void AddTestServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IStsClientFactory>(Sts);
        services.AddSingleton<ILoggerFactory>(Logs);
    }

    public IConfigurationRoot BuildConfiguration() => new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();

    /// <summary>A host whose configuration is <see cref="Settings"/>; by default it binds the whole <c>CredentialKit</c> section.</summary>
    public IHost BuildHost(Action<IServiceCollection, IConfiguration>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(Settings);
        AddTestServices(builder.Services);
        if (configure is null)
        {
            builder.Services.AddCredentialKit(builder.Configuration.GetSection("CredentialKit"));
        }
        else
        {
            configure(builder.Services, builder.Configuration);
        }

        return builder.Build();
    }

    /// <summary>A plain service provider (no host, so no start-up validation or warm-up).</summary>
    public ServiceProvider BuildProvider(Action<IServiceCollection, IConfiguration>? configure = null)
    {
        var configuration = BuildConfiguration();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        AddTestServices(services);
        if (configure is null)
        {
            services.AddCredentialKit(configuration.GetSection("CredentialKit"));
        }
        else
        {
            configure(services, configuration);
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The inner provider a profile currently serves from (its session is what tests wait on).</summary>
    public static ICredentialProvider InnerOf(ICredentialProvider provider) => ((ReloadingCredentialProvider)provider).Current;

    public static Task WhenIdleAsync(ICredentialProvider provider) => ProviderFixture.WhenIdleAsync(InnerOf(provider));
}
