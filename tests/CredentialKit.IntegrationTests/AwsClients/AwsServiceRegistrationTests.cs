using Amazon.Extensions.NETCore.Setup;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.IntegrationTests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static CredentialKit.IntegrationTests.Helpers.LocalStsHarness;

namespace CredentialKit.IntegrationTests.AwsClients;

/// <summary>
/// AWS SDK clients built by the container (<c>AWSSDK.Extensions.NETCore.Setup</c>) signed by CredentialKit profiles: real
/// STS clients calling GetCallerIdentity on LocalSts, whose journal counts the AssumeRole calls.
/// </summary>
public sealed class AwsServiceRegistrationTests
{
    [Fact]
    public async Task AddKeyedAWSService_KeyedByProfile_SignsWithTheProfilesSession()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit().AddKeyedAWSService<IAmazonSecurityTokenService>("reports");
        await using var services = app.BuildServiceProvider();

        var sts = services.GetRequiredKeyedService<IAmazonSecurityTokenService>("reports");
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(ReportsSessionArn, identity.Arn);
        Assert.Null(services.GetService<IAmazonSecurityTokenService>());
    }

    [Fact]
    public async Task AddAWSService_ApplicationOptionsFromConfiguration_KeepsRegionAndClientConfig()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit().AddKeyedAWSService<IAmazonSecurityTokenService>("hub");
        await using var services = app.BuildServiceProvider();

        var config = services.GetRequiredKeyedService<IAmazonSecurityTokenService>("hub").Config;

        Assert.Equal(h.Server.Endpoint.ToString(), config.ServiceURL);
        Assert.Equal("us-east-1", config.AuthenticationRegion);
        Assert.Equal(0, config.MaxErrorRetry);
        Assert.Equal(TimeSpan.FromSeconds(7), config.Timeout);
    }

    [Fact]
    public async Task UseAsDefaultAWSCredentials_SdksOwnPlainAndKeyedClients_SignWithTheProfile()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        var applicationOptions = app.ApplicationOptions();
        app.Services.AddDefaultAWSOptions(applicationOptions);
        app.AddCredentialKit().UseAsDefaultAWSCredentials("reports");
        app.Services.AddAWSService<IAmazonSecurityTokenService>();
        app.Services.AddKeyedAWSService<IAmazonSecurityTokenService>("audit");
        await using var services = app.BuildServiceProvider();

        var plain = await services.GetRequiredService<IAmazonSecurityTokenService>().GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var keyed = await services.GetRequiredKeyedService<IAmazonSecurityTokenService>("audit").GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(ReportsSessionArn, plain.Arn);
        Assert.Equal(ReportsSessionArn, keyed.Arn);
        Assert.Null(applicationOptions.Credentials); // the application's object is copied, never changed
        Assert.Equal(TimeSpan.FromSeconds(7), services.GetRequiredService<IAmazonSecurityTokenService>().Config.Timeout);
    }

    [Fact]
    public async Task UseAsDefaultAWSCredentials_WithoutRegisteredOptions_UsesTheAwsConfigurationSection()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit().UseAsDefaultAWSCredentials("hub");
        app.Services.AddAWSService<IAmazonSecurityTokenService>();
        await using var services = app.BuildServiceProvider();

        var identity = await services.GetRequiredService<IAmazonSecurityTokenService>().GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(HubSessionArn, identity.Arn);
    }

    [Fact]
    public async Task AddAWSService_ManyClientsOfOneProfile_AssumeEachHopOnce()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit()
            .AddKeyedAWSService<IAmazonSecurityTokenService>("reports", ServiceLifetime.Transient)
            .UseAsDefaultAWSCredentials("reports");
        app.Services.AddAWSService<IAmazonSecurityTokenService>();
        app.Services.AddKeyedAWSService<IAmazonSecurityTokenService>("audit");
        await using var services = app.BuildServiceProvider();

        var clients = Enumerable.Range(0, 4).Select(_ => services.GetRequiredKeyedService<IAmazonSecurityTokenService>("reports"))
            .Append(services.GetRequiredService<IAmazonSecurityTokenService>())
            .Append(services.GetRequiredKeyedService<IAmazonSecurityTokenService>("audit"))
            .ToList();
        var identities = await Task.WhenAll(clients.Select(c => c.GetCallerIdentityAsync(new GetCallerIdentityRequest())))
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(6, clients.Distinct().Count());
        Assert.All(identities, i => Assert.Equal(ReportsSessionArn, i.Arn));
        Assert.Single(h.AssumeRoleRequests(LocalStsDemo.HubRoleArn));
        Assert.Single(h.AssumeRoleRequests(LocalStsDemo.ReportsRoleArn));
    }

    [Fact]
    public async Task StartAsync_ClientForUnknownProfile_FailsNamingTheProfile()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit().AddAWSService<IAmazonSecurityTokenService>("reprots");
        using var host = app.BuildHost();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var message = Assert.Single(e.Failures);
        Assert.Contains("AddAWSService<IAmazonSecurityTokenService>(\"reprots\")", message, StringComparison.Ordinal);
        Assert.Contains("no profile has that name; the registered profiles are 'hub', 'reports'", message, StringComparison.Ordinal);
        Assert.Empty(h.Server.Journal.Snapshot());
    }

    [Fact]
    public async Task GetRequiredKeyedService_ClientForUnknownProfile_ThrowsNamingTheProfile()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit().UseAsDefaultAWSCredentials("Reports");
        app.Services.AddAWSService<IAmazonSecurityTokenService>();
        await using var services = app.BuildServiceProvider();

        var e = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IAmazonSecurityTokenService>());

        Assert.Contains("profile 'Reports'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'reports'?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_AwsSessionRoleArnAlsoConfigured_FailsInsteadOfAssumingTwice()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit().UseAsDefaultAWSCredentials("reports");
        app.Settings["AWS:SessionRoleArn"] = LocalStsDemo.HubRoleArn;
        app.Services.AddAWSService<IAmazonSecurityTokenService>();
        using var host = app.BuildHost();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var message = Assert.Single(e.Failures);
        Assert.Contains($"AWS:SessionRoleArn (AWSOptions.SessionRoleArn) is '{LocalStsDemo.HubRoleArn}'", message, StringComparison.Ordinal);
        Assert.Contains("profile 'reports'", message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IAmazonSecurityTokenService>());
        Assert.Empty(h.AssumeRoleRequests());
    }

    [Fact]
    public async Task StartAsync_AwsOptionsRegisteredAfterUseAsDefault_FailsSayingTheOrder()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit().UseAsDefaultAWSCredentials("hub");
        app.Services.AddDefaultAWSOptions(app.ApplicationOptions());
        using var host = app.BuildHost();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Call UseAsDefaultAWSCredentials after AddDefaultAWSOptions", Assert.Single(e.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseAsDefaultAWSCredentials_SecondProfile_Throws()
    {
        await using var h = await StartAsync();
        var builder = new AwsClientHost(h).AddCredentialKit().UseAsDefaultAWSCredentials("hub");

        var e = Assert.Throws<InvalidOperationException>(() => builder.UseAsDefaultAWSCredentials("reports"));

        Assert.Contains("'hub' already signs", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAWSServiceAndAddKeyedAWSService_BadArguments_Throw()
    {
        var builder = new ServiceCollection().AddCredentialKit();

        Assert.Throws<ArgumentException>(() => builder.AddAWSService<IAmazonSecurityTokenService>(" "));
        Assert.Throws<ArgumentNullException>(() => builder.UseAsDefaultAWSCredentials(null!));
        Assert.Throws<ArgumentNullException>(() => ((ICredentialKitBuilder)null!).AddAWSService<IAmazonSecurityTokenService>("hub"));
        Assert.Throws<ArgumentException>(() => builder.AddKeyedAWSService<IAmazonSecurityTokenService>(""));
        Assert.Throws<ArgumentNullException>(() => builder.AddKeyedAWSService<IAmazonSecurityTokenService>(null!, "hub"));
        Assert.Throws<ArgumentNullException>(() => builder.AddKeyedAWSService<IAmazonSecurityTokenService>("key", "hub", configureAction: null!));
        Assert.Throws<ArgumentNullException>(() => builder.AddAWSService<IAmazonSecurityTokenService>("hub", configureAction: null!));
    }
}
