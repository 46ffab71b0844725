using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.IntegrationTests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static CredentialKit.IntegrationTests.Helpers.LocalStsHarness;

namespace CredentialKit.IntegrationTests.AwsClients;

/// <summary>
/// Registration in the SDK's words: <c>AddAWSService&lt;T&gt;(profile)</c> un-keyed, <c>AddKeyedAWSService&lt;T&gt;(profile)</c> and
/// <c>AddKeyedAWSService&lt;T&gt;(key, profile)</c> keyed, with the SDK's lifetime and client-settings overloads; keyed
/// <c>AWSOptions</c> for every profile; the start-up warning for an SDK keyed client named like a profile.
/// </summary>
public sealed class AwsServiceNamingTests
{
    private const int KeyTrapEventId = 121;

    [Fact]
    public async Task AddAWSService_Profile_RegistersAnUnkeyedClientSignedByTheProfile()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit().AddAWSService<IAmazonSecurityTokenService>("reports");
        await using var services = app.BuildServiceProvider();

        var identity = await services.GetRequiredService<IAmazonSecurityTokenService>().GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(ReportsSessionArn, identity.Arn);
        Assert.Null(services.GetKeyedService<IAmazonSecurityTokenService>("reports"));
    }

    [Fact]
    public async Task AddKeyedAWSService_ServiceKeyAndClientSettings_TwoClientsOfOneProfileKeepTheirOwnSettings()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        IServiceProvider? seen = null;
        app.AddCredentialKit()
            .AddKeyedAWSService<IAmazonSecurityTokenService>("reports-fast", "reports", (config, sp) =>
            {
                seen = sp;
                config.Timeout = TimeSpan.FromSeconds(2);
            })
            .AddKeyedAWSService<IAmazonSecurityTokenService>("reports-slow", "reports", (config, _) => config.Timeout = TimeSpan.FromSeconds(30), ServiceLifetime.Transient);
        await using var services = app.BuildServiceProvider();

        var fast = services.GetRequiredKeyedService<IAmazonSecurityTokenService>("reports-fast");
        var slow = services.GetRequiredKeyedService<IAmazonSecurityTokenService>("reports-slow");
        var identities = await Task.WhenAll(fast.GetCallerIdentityAsync(new GetCallerIdentityRequest()), slow.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal(TimeSpan.FromSeconds(2), fast.Config.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(30), slow.Config.Timeout);
        Assert.Equal(h.Server.Endpoint.ToString(), slow.Config.ServiceURL);   // the application's settings stay underneath
        Assert.Same(services.GetRequiredService<TimeProvider>(), seen!.GetRequiredService<TimeProvider>());   // the container itself
        Assert.NotSame(slow, services.GetRequiredKeyedService<IAmazonSecurityTokenService>("reports-slow"));
        Assert.Same(fast, services.GetRequiredKeyedService<IAmazonSecurityTokenService>("reports-fast"));
        Assert.All(identities, i => Assert.Equal(ReportsSessionArn, i.Arn));
        Assert.Single(h.AssumeRoleRequests(LocalStsDemo.ReportsRoleArn));
        Assert.Null(services.GetKeyedService<IAmazonSecurityTokenService>("reports"));
    }

    [Fact]
    public async Task AddAWSService_ClientSettings_AppliedOverTheApplicationsOptions()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit().AddAWSService<IAmazonSecurityTokenService>("hub", (config, _) => config.MaxErrorRetry = 4);
        await using var services = app.BuildServiceProvider();

        var config = services.GetRequiredService<IAmazonSecurityTokenService>().Config;

        Assert.Equal(4, config.MaxErrorRetry);
        Assert.Equal(AwsClientHost.SdkClientTimeout, config.Timeout);
    }

    [Fact]
    public async Task GetRequiredKeyedService_AwsOptionsOfEveryProfile_ResolveWithoutAnyClientRegistered()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit();
        await using var services = app.BuildServiceProvider();

        var hub = services.GetRequiredKeyedService<AWSOptions>("hub");
        var reports = services.GetRequiredKeyedService<AWSOptions>("reports");
        using var client = reports.CreateServiceClient<IAmazonSecurityTokenService>();
        var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Same(services.GetRequiredKeyedService<AWSCredentials>("hub"), hub.Credentials);
        Assert.Same(services.GetRequiredKeyedService<AWSCredentials>("reports"), reports.Credentials);
        Assert.Equal(h.Server.Endpoint.ToString(), reports.DefaultClientConfig.ServiceURL);
        Assert.Null(services.GetKeyedService<AWSOptions>("billing"));
        Assert.Equal(ReportsSessionArn, identity.Arn);
    }

    [Fact]
    public async Task StartAsync_SdkKeyedClientNamedLikeAProfile_WarnsThatTheProfileDoesNotSignIt()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit().AddKeyedAWSService<IAmazonSecurityTokenService>("hub").UseAsDefaultAWSCredentials("hub");
        app.Services.AddKeyedAWSService<IAmazonSecurityTokenService>("reports");   // the trap: signs with the default, "hub"
        app.Services.AddKeyedAWSService<IAmazonSecurityTokenService>("audit");     // not a profile's name: no warning
        using var host = app.BuildHost();

        await host.StartAsync();
        await host.StopAsync();

        var warning = Assert.Single(h.Logs.WithEventId(KeyTrapEventId));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("AddKeyedAWSService<IAmazonSecurityTokenService>(\"reports\")", warning.Message, StringComparison.Ordinal);
        Assert.Contains("signs with the default CredentialKit profile 'hub'", warning.Message, StringComparison.Ordinal);
        Assert.Equal(HubSessionArn, (await host.Services.GetRequiredKeyedService<IAmazonSecurityTokenService>("reports")
            .GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
    }

    [Fact]
    public async Task StartAsync_OnlyCredentialKitKeyedClients_NoWarning()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit().AddKeyedAWSService<IAmazonSecurityTokenService>("reports").AddKeyedAWSService<IAmazonSecurityTokenService>("hub", "hub");
        using var host = app.BuildHost();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Empty(h.Logs.WithEventId(KeyTrapEventId));
    }
}
