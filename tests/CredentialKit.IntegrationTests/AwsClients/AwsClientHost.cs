using Amazon.Extensions.NETCore.Setup;
using CredentialKit.IntegrationTests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CredentialKit.IntegrationTests.AwsClients;

/// <summary>
/// A fresh service collection per test with CredentialKit on the harness's clock and logs, the application's <c>AWS</c>
/// configuration section pointing every SDK client at LocalSts, and helpers to build a container or a host from it.
/// </summary>
internal sealed class AwsClientHost(LocalStsHarness harness)
{
    /// <summary>The SDK client timeout the application configures (the SDK reads <c>AWS:Timeout</c> in milliseconds).</summary>
    public static readonly TimeSpan SdkClientTimeout = TimeSpan.FromSeconds(7);

    public ServiceCollection Services { get; } = new();

    /// <summary>Gets the application's settings: the SDK's <c>AWS</c> section (<c>GetAWSOptions()</c> reads it).</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers CredentialKit with the profiles <c>hub</c> (hub) and <c>reports</c> (hub → reports) against LocalSts.</summary>
    public ICredentialKitBuilder AddCredentialKit()
    {
        Settings["AWS:Region"] = "us-east-1";
        Settings["AWS:ServiceURL"] = harness.Server.Endpoint.ToString();
        Settings["AWS:AuthenticationRegion"] = "us-east-1";
        Settings["AWS:MaxErrorRetry"] = "0";
        Settings["AWS:Timeout"] = "7000";
        Services.AddSingleton<IConfiguration>(_ => new ConfigurationBuilder().AddInMemoryCollection(Settings).Build());
        Services.AddSingleton<TimeProvider>(harness.Time);
        Services.AddSingleton<ILoggerFactory>(harness.Logs);
        Services.AddOptions<CredentialKitOptions>().Configure(o => o.WarmUpOnStart = false);
        return Services.AddCredentialKit()
            .AddProfile("hub", o => Copy(harness.Profile(LocalStsHarness.Hub()), o))
            .AddProfile("reports", o => Copy(harness.Profile(LocalStsHarness.Hub(), LocalStsHarness.Reports()), o));
    }

    /// <summary>The application's own options, as a user registers them with <c>AddDefaultAWSOptions</c>.</summary>
    public AWSOptions ApplicationOptions()
    {
        var options = new AWSOptions { Region = Amazon.RegionEndpoint.USEast1 };
        options.DefaultClientConfig.ServiceURL = harness.Server.Endpoint.ToString();
        options.DefaultClientConfig.AuthenticationRegion = "us-east-1";
        options.DefaultClientConfig.MaxErrorRetry = 0;
        options.DefaultClientConfig.Timeout = SdkClientTimeout;
        return options;
    }

    public ServiceProvider BuildServiceProvider() => Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    public IHost BuildHost()
    {
        var builder = new HostBuilder();
        builder.ConfigureServices(services =>
        {
            foreach (var descriptor in Services)
            {
                services.Add(descriptor);
            }
        });
        return builder.Build();
    }

    private static void Copy(CredentialKitProfileOptions from, CredentialKitProfileOptions to)
    {
        to.Source.Type = from.Source.Type;
        to.Source.AccessKeyId = from.Source.AccessKeyId;
        to.Source.SecretAccessKey = from.Source.SecretAccessKey;
        to.Sts.ServiceUrl = from.Sts.ServiceUrl;
        to.Sts.AuthenticationRegion = from.Sts.AuthenticationRegion;
        to.Refresh.JitterFraction = from.Refresh.JitterFraction;
        to.Refresh.RetryBaseDelay = from.Refresh.RetryBaseDelay;
        foreach (var role in from.Roles)
        {
            to.Roles.Add(role);
        }
    }
}
