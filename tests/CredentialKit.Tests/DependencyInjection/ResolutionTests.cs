using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialKit.Tests.DependencyInjection;

public class ResolutionTests
{
    private readonly DependencyInjectionFixture _fixture = new();

    [Fact]
    public async Task GetRequiredKeyedService_ProfileName_ReturnsTheFactorysProviderAndItsAwsCredentials()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.ReportsArn).WithProfile("billing", DependencyInjectionFixture.BillingArn);
        using var services = _fixture.BuildProvider();

        var keyed = services.GetRequiredKeyedService<ICredentialProvider>("reports");
        var aws = services.GetRequiredKeyedService<AWSCredentials>("reports");
        var immutable = await aws.GetCredentialsAsync();

        Assert.Same(services.GetRequiredService<ICredentialProviderFactory>().GetProvider("reports"), keyed);
        Assert.Same(aws, services.GetRequiredKeyedService<AWSCredentials>("reports"));
        Assert.Equal("reports", keyed.ProfileName);
        Assert.StartsWith("ASIAREPORTS", immutable.AccessKey);
        Assert.Equal(DependencyInjectionFixture.ReportsArn, _fixture.Sts.Calls.Single().Request.RoleArn);
    }

    [Fact]
    public async Task GetRequiredService_OneProfile_ResolvesItUnkeyed()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.ReportsArn);
        using var services = _fixture.BuildProvider();

        var provider = services.GetRequiredService<ICredentialProvider>();
        var immutable = await services.GetRequiredService<AWSCredentials>().GetCredentialsAsync();

        Assert.Same(services.GetRequiredKeyedService<ICredentialProvider>("reports"), provider);
        Assert.StartsWith("ASIAREPORTS", immutable.AccessKey);
    }

    [Fact]
    public void GetRequiredService_SeveralProfilesOneNamedDefault_ResolvesDefault()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.ReportsArn).WithProfile("Default", DependencyInjectionFixture.HubArn);
        using var services = _fixture.BuildProvider();

        var provider = services.GetRequiredService<ICredentialProvider>();

        Assert.Equal("Default", provider.ProfileName);
        Assert.Same(services.GetRequiredKeyedService<ICredentialProvider>("Default"), provider);
    }

    [Fact]
    public void GetRequiredService_SeveralProfilesNoneDefault_ThrowsListingTheProfiles()
    {
        _fixture.WithProfile("reports").WithProfile("billing");
        using var services = _fixture.BuildProvider();

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<ICredentialProvider>());
        var viaSdk = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<AWSCredentials>());

        Assert.Contains("2 profiles ('billing', 'reports') and none is named 'Default'", error.Message);
        Assert.Contains("[FromKeyedServices(\"<profile>\")]", error.Message);
        Assert.Equal(error.Message, viaSdk.Message);
    }

    [Fact]
    public void GetRequiredService_NoProfile_ThrowsSayingHowToAddOne()
    {
        using var services = _fixture.BuildProvider((s, _) => s.AddCredentialKit());

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<ICredentialProvider>());

        Assert.Contains("No CredentialKit profile is registered", error.Message);
        Assert.Contains("AddProfile", error.Message);
    }

    [Fact]
    public void GetProvider_UnknownName_ThrowsListingTheKnownNames()
    {
        _fixture.WithProfile("reports").WithProfile("billing");
        using var services = _fixture.BuildProvider();
        var factory = services.GetRequiredService<ICredentialProviderFactory>();

        var unknown = Assert.Throws<ArgumentException>(() => factory.GetProvider("payroll"));
        var wrongCase = Assert.Throws<ArgumentException>(() => factory.GetProvider("Reports"));

        Assert.Equal("name", unknown.ParamName);
        Assert.StartsWith("No CredentialKit profile is named 'payroll'; the registered profiles are 'billing', 'reports'.", unknown.Message);
        Assert.Contains("Did you mean 'reports'?", wrongCase.Message);
        Assert.Throws<ArgumentNullException>(() => factory.GetProvider(null!));
        Assert.Null(services.GetKeyedService<ICredentialProvider>("payroll"));
    }

    [Fact]
    public async Task GetCredentialsAsync_TwoProfilesSharingAHubRole_CallStsForTheHubOnce()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.HubArn, DependencyInjectionFixture.ReportsArn)
            .WithProfile("billing", DependencyInjectionFixture.HubArn, DependencyInjectionFixture.BillingArn);
        using var services = _fixture.BuildProvider();

        await services.GetRequiredKeyedService<ICredentialProvider>("reports").GetCredentialsAsync();
        await services.GetRequiredKeyedService<ICredentialProvider>("billing").GetCredentialsAsync();

        Assert.Equal(1, _fixture.Sts.Calls.Count(c => c.Request.RoleArn == DependencyInjectionFixture.HubArn));
        Assert.Equal(3, _fixture.Sts.CallCount);
        Assert.Equal(3, services.GetRequiredService<SessionCache>().Count);
    }

    [Fact]
    public void SessionCache_FromTheContainer_UsesTheRegisteredServicesAndConfiguredSizeLimit()
    {
        _fixture.WithProfile("reports").Set("CredentialKit:SessionCache:SizeLimit", "16");
        using var services = _fixture.BuildProvider();

        var cache = services.GetRequiredService<SessionCache>();

        Assert.Same(_fixture.Time, cache.Context.TimeProvider);
        Assert.Same(_fixture.Sts, cache.Context.StsClientFactory);
        Assert.Same(_fixture.Logs, cache.Context.LoggerFactory);
    }

    [Fact]
    public void SessionCache_ServicesSetInOptions_WinOverTheContainer()
    {
        var other = new ManualTimeProvider();
        _fixture.WithProfile("reports");
        using var services = _fixture.BuildProvider((s, c) =>
        {
            s.AddCredentialKit(c.GetSection("CredentialKit"));
            s.Configure<CredentialKitOptions>(o => o.SessionCache.TimeProvider = other);
        });

        Assert.Same(other, services.GetRequiredService<SessionCache>().Context.TimeProvider);
    }

    [Fact]
    public async Task Dispose_Container_DisposesEveryProviderAndTheCache()
    {
        _fixture.WithProfile("reports");
        var services = _fixture.BuildProvider();
        var provider = services.GetRequiredKeyedService<ICredentialProvider>("reports");
        var cache = services.GetRequiredService<SessionCache>();
        await provider.GetCredentialsAsync();

        await services.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => provider.GetCredentialsAsync().AsTask());
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void AddCredentialKit_CalledTwice_RegistersTheSharedServicesOnce()
    {
        var services = new ServiceCollection();
        services.AddCredentialKit().AddProfile("reports", _ => { });
        services.AddCredentialKit().AddProfile("billing", _ => { });

        Assert.Single(services, d => d.ServiceType == typeof(SessionCache));
        Assert.Single(services, d => d.ServiceType == typeof(ICredentialProviderFactory));
        // The warm-up, and the AWS SDK integration's start-up warnings (an SDK keyed client named like a profile).
        Assert.Equal(2, services.Count(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService)));
        Assert.Single(services, d => d.ServiceType == typeof(AwsClientRegistrations));
        using var provider = services.BuildServiceProvider();
        Assert.Equal(["reports", "billing"], provider.GetRequiredService<ICredentialProviderFactory>().ProfileNames);
    }
}
