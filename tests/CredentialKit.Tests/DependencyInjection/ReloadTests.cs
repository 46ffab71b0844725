using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.DependencyInjection;

public class ReloadTests
{
    private const string OtherArn = "arn:aws:iam::444455556666:role/reports-v2";
    private readonly DependencyInjectionFixture _fixture = new();

    [Fact]
    public async Task Reload_RoleChanged_SwapsTheProviderBehindTheSameInstance()
    {
        var (host, configuration) = await StartHostAsync();
        using var _ = host;
        var provider = host.Services.GetRequiredKeyedService<ICredentialProvider>("reports");
        var aws = host.Services.GetRequiredKeyedService<Amazon.Runtime.AWSCredentials>("reports");
        var before = DependencyInjectionFixture.InnerOf(provider);
        await provider.GetCredentialsAsync();

        configuration[DependencyInjectionFixture.Key("reports", "Roles:0:RoleArn")] = OtherArn;
        configuration.Reload();
        var after = await provider.GetCredentialsAsync();
        var viaSdk = await aws.GetCredentialsAsync();

        Assert.NotSame(before, DependencyInjectionFixture.InnerOf(provider));
        Assert.Same(provider, host.Services.GetRequiredService<ICredentialProviderFactory>().GetProvider("reports"));
        Assert.StartsWith("ASIAREPORTS-V2", after.AccessKeyId);
        Assert.Equal(after.AccessKeyId, viaSdk.AccessKey);
        Assert.Equal([DependencyInjectionFixture.ReportsArn, OtherArn], _fixture.Sts.Calls.Select(c => c.Request.RoleArn));
        Assert.Single(_fixture.Logs.WithEventId(106));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => before.GetCredentialsAsync().AsTask()); // the old handle is retired
    }

    [Fact]
    public async Task Reload_WhileACallerAwaitsTheOldProvider_ThatCallerCompletes()
    {
        var (host, configuration) = await StartHostAsync();
        using var _ = host;
        var provider = host.Services.GetRequiredKeyedService<ICredentialProvider>("reports");
        var pending = _fixture.Sts.EnqueuePending();
        var inFlight = provider.GetCredentialsAsync().AsTask();
        await Eventually.WaitAsync(() => _fixture.Sts.CallCount == 1, "the first STS call");

        configuration[DependencyInjectionFixture.Key("reports", "Roles:0:RoleArn")] = OtherArn;
        configuration.Reload();
        var fresh = await provider.GetCredentialsAsync();
        pending.SetResult(_fixture.Sts.Success(_fixture.Sts.Calls[0]));
        var old = await inFlight;

        Assert.StartsWith("ASIAREPORTS-V2", fresh.AccessKeyId);
        Assert.StartsWith("ASIAREPORTS0", old.AccessKeyId);
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task Reload_UnrelatedKeyChanged_KeepsTheProviderAndItsSession()
    {
        var (host, configuration) = await StartHostAsync();
        using var _ = host;
        var provider = host.Services.GetRequiredKeyedService<ICredentialProvider>("reports");
        var before = DependencyInjectionFixture.InnerOf(provider);
        var first = await provider.GetCredentialsAsync();

        configuration["Unrelated:Setting"] = "changed";
        configuration.Reload();
        var second = await provider.GetCredentialsAsync();

        Assert.Same(before, DependencyInjectionFixture.InnerOf(provider));
        Assert.Equal(first.AccessKeyId, second.AccessKeyId);
        Assert.Equal(1, _fixture.Sts.CallCount);
        Assert.Single(_fixture.Logs.WithEventId(107));
    }

    [Fact]
    public async Task Reload_InvalidSettings_DoesNotThrowLogs108AndKeepsServingThePreviousProvider()
    {
        var (host, configuration) = await StartHostAsync();
        using var _ = host;
        var provider = host.Services.GetRequiredKeyedService<ICredentialProvider>("reports");
        var before = DependencyInjectionFixture.InnerOf(provider);
        var first = await provider.GetCredentialsAsync();

        configuration[DependencyInjectionFixture.Key("reports", "Roles:0:Duration")] = "00:01:00";
        for (var i = 0; i < 70; i++)
        {
            configuration.Reload();
        }

        var second = await provider.GetCredentialsAsync();
        var failed = _fixture.Logs.WithEventId(108).Where(r => (string?)r["ProfileName"] == "reports").ToList();

        Assert.Equal(70, failed.Count);
        Assert.IsType<OptionsValidationException>(failed[0].Exception);
        Assert.Same(before, DependencyInjectionFixture.InnerOf(provider));
        Assert.Equal(first.AccessKeyId, second.AccessKeyId);
        Assert.Equal(1, _fixture.Sts.CallCount);
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<CredentialKitProfileOptions>>();
        Assert.Null(monitor.Get("reports").Roles[0].Duration); // the last valid options stay current
    }

    [Fact]
    public async Task Reload_InvalidThenValid_HealthReportsTheRejectedReloadUntilAValidOneReplacesIt()
    {
        var (host, configuration) = await StartHostAsync();
        using var _ = host;
        var provider = host.Services.GetRequiredKeyedService<ICredentialProvider>("reports");
        await provider.GetCredentialsAsync();
        await host.Services.GetRequiredKeyedService<ICredentialProvider>("billing").GetCredentialsAsync();
        var health = new CredentialKitHealthCheck(host.Services.GetRequiredService<ICredentialProviderFactory>());
        var context = new HealthCheckContext();

        configuration[DependencyInjectionFixture.Key("reports", "Refresh:MaxRetryAttempts")] = "three";
        configuration.Reload();
        var rejected = await health.CheckHealthAsync(context);

        configuration[DependencyInjectionFixture.Key("reports", "Refresh:MaxRetryAttempts")] = "2";
        configuration.Reload();
        await provider.GetCredentialsAsync();
        var recovered = await health.CheckHealthAsync(context);

        Assert.Equal(HealthStatus.Degraded, rejected.Status);
        Assert.Equal(true, rejected.Data["reports:reloadFailed"]);
        Assert.Equal(1, rejected.Data["reports:reloadProblems"]);
        Assert.Contains("profile 'reports' rejected its reloaded settings", rejected.Description);
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
        Assert.False(recovered.Data.ContainsKey("reports:reloadFailed"));
        Assert.Equal(2, host.Services.GetRequiredService<IOptionsMonitor<CredentialKitProfileOptions>>().Get("reports").Refresh.MaxRetryAttempts);
    }

    [Fact]
    public async Task Reload_ProfileNeverResolved_FirstResolutionUsesTheReloadedSettings()
    {
        var (host, configuration) = await StartHostAsync();
        using var _ = host;

        configuration[DependencyInjectionFixture.Key("billing", "Roles:0:RoleArn")] = DependencyInjectionFixture.BillingArn;
        configuration.Reload();
        var credentials = await host.Services.GetRequiredKeyedService<ICredentialProvider>("billing").GetCredentialsAsync();

        Assert.StartsWith("ASIABILLING", credentials.AccessKeyId);
    }

    private async Task<(IHost Host, IConfigurationRoot Configuration)> StartHostAsync()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.ReportsArn)
            .WithProfile("billing", DependencyInjectionFixture.HubArn)
            .Set("CredentialKit:WarmUpOnStart", "false");
        var host = _fixture.BuildHost();
        await host.StartAsync();
        return (host, (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>());
    }
}
