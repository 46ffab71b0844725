using Amazon.Runtime;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.DependencyInjection;

public class ConfigurationBindingTests
{
    private readonly DependencyInjectionFixture _fixture = new();

    [Fact]
    public void AddProfile_FullConfigurationShape_BindsEveryKey()
    {
        const string P = "CredentialKit:Profiles:reports:";
        var settings = new Dictionary<string, string?>
        {
            [P + "Source:Type"] = "Static",
            [P + "Source:AccessKeyId"] = ProviderFixture.SourceAccessKeyId,
            [P + "Source:SecretAccessKey"] = ProviderFixture.SourceSecret,
            [P + "Source:SessionToken"] = "SOURCETOKEN",
            [P + "Roles:0:RoleArn"] = DependencyInjectionFixture.HubArn,
            [P + "Roles:0:RoleSessionName"] = "hub-session",
            [P + "Roles:0:Duration"] = "02:00:00",
            [P + "Roles:0:ExternalId"] = "external-42",
            [P + "Roles:0:Tags:team"] = "finance",
            [P + "Roles:0:Tags:env"] = "prod",
            [P + "Roles:0:TransitiveTagKeys:0"] = "team",
            [P + "Roles:0:TransitiveTagKeys:1"] = "env",
            [P + "Roles:0:Policy"] = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""",
            [P + "Roles:0:PolicyArns:0"] = "arn:aws:iam::aws:policy/ReadOnlyAccess",
            [P + "Roles:0:PolicyArns:1"] = "arn:aws:iam::111122223333:policy/reports-read",
            [P + "Roles:0:SourceIdentity"] = "alice",
            [P + "Roles:0:MfaSerialNumber"] = "arn:aws:iam::111122223333:mfa/alice",
            [P + "Roles:1:RoleArn"] = DependencyInjectionFixture.ReportsArn,
            [P + "Sts:Region"] = "eu-west-1",
            [P + "Sts:ServiceUrl"] = "http://127.0.0.1:4566/",
            [P + "Sts:AuthenticationRegion"] = "eu-west-1",
            [P + "Sts:FallbackRegions:0"] = "eu-central-1",
            [P + "Sts:FallbackRegions:1"] = "us-east-1",
            [P + "Sts:FallbackServiceUrls:eu-central-1"] = "http://127.0.0.2:4566/",
            [P + "Sts:FallbackServiceUrls:us-east-1"] = "https://sts-fips.us-east-1.amazonaws.com",
            [P + "Refresh:RefreshAhead"] = "00:20:00",
            [P + "Refresh:MinimumLifetime"] = "00:02:00",
            [P + "Refresh:JitterFraction"] = "0.25",
            [P + "Refresh:MaxRetryAttempts"] = "5",
            [P + "Refresh:RetryBaseDelay"] = "00:00:01",
            [P + "Refresh:RetryMaxDelay"] = "00:00:30",
            [P + "Refresh:AttemptTimeout"] = "00:00:07",
            [P + "Refresh:FailedRefreshRetryDelay"] = "00:01:00",
            [P + "Refresh:ErrorCacheDuration"] = "00:00:10",
            [P + "Refresh:BackgroundRefresh"] = "false",
            [P + "UseSharedStore"] = "false",
        };
        foreach (var (key, value) in settings)
        {
            _fixture.Settings[key] = value;
        }

        using var services = _fixture.BuildProvider((s, c) => s.AddCredentialKit()
            .AddProfile("reports", c.GetSection("CredentialKit:Profiles:reports"))
            .AddProfile("reports", o => o.Roles[0].MfaTokenCodeProvider = _ => ValueTask.FromResult("123456")));

        var options = services.GetRequiredService<IOptionsMonitor<CredentialKitProfileOptions>>().Get("reports");

        Assert.Equal(SourceCredentialsType.Static, options.Source.Type);
        Assert.Equal(ProviderFixture.SourceAccessKeyId, options.Source.AccessKeyId);
        Assert.Equal(ProviderFixture.SourceSecret, options.Source.SecretAccessKey);
        Assert.Equal("SOURCETOKEN", options.Source.SessionToken);
        Assert.False(options.UseSharedStore);
        Assert.Equal(2, options.Roles.Count);
        var hub = options.Roles[0];
        Assert.Equal(DependencyInjectionFixture.HubArn, hub.RoleArn);
        Assert.Equal("hub-session", hub.RoleSessionName);
        Assert.Equal(TimeSpan.FromHours(2), hub.Duration);
        Assert.Equal("external-42", hub.ExternalId);
        Assert.Equal(2, hub.Tags.Count);
        Assert.Equal("finance", hub.Tags["TEAM"]); // the binder filled the get-only dictionary in place, keeping its comparer
        Assert.Equal("prod", hub.Tags["env"]);
        Assert.Equal(["team", "env"], hub.TransitiveTagKeys);
        Assert.Contains("s3:GetObject", hub.Policy);
        Assert.Equal(["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::111122223333:policy/reports-read"], hub.PolicyArns);
        Assert.Equal("alice", hub.SourceIdentity);
        Assert.Equal("arn:aws:iam::111122223333:mfa/alice", hub.MfaSerialNumber);
        Assert.NotNull(hub.MfaTokenCodeProvider);
        Assert.Equal(DependencyInjectionFixture.ReportsArn, options.Roles[1].RoleArn);
        Assert.Equal("eu-west-1", options.Sts.Region);
        Assert.Equal("http://127.0.0.1:4566/", options.Sts.ServiceUrl);
        Assert.Equal("eu-west-1", options.Sts.AuthenticationRegion);
        Assert.Equal(["eu-central-1", "us-east-1"], options.Sts.FallbackRegions);
        Assert.Equal("http://127.0.0.2:4566/", options.Sts.FallbackServiceUrls["eu-central-1"]);
        Assert.Equal("https://sts-fips.us-east-1.amazonaws.com", options.Sts.FallbackServiceUrls["us-east-1"]);
        Assert.Equal(TimeSpan.FromMinutes(20), options.Refresh.RefreshAhead);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Refresh.MinimumLifetime);
        Assert.Equal(0.25, options.Refresh.JitterFraction);
        Assert.Equal(5, options.Refresh.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Refresh.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Refresh.RetryMaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(7), options.Refresh.AttemptTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Refresh.FailedRefreshRetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Refresh.ErrorCacheDuration);
        Assert.False(options.Refresh.BackgroundRefresh);
    }

    [Fact]
    public void AddCredentialKit_Section_BindsEveryProfileAndTheTopLevelSettings()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.HubArn, DependencyInjectionFixture.ReportsArn)
            .WithProfile("billing", DependencyInjectionFixture.HubArn, DependencyInjectionFixture.BillingArn)
            .Set("CredentialKit:WarmUpOnStart", "false")
            .Set("CredentialKit:SessionCache:SizeLimit", "64");
        using var services = _fixture.BuildProvider();

        var factory = services.GetRequiredService<ICredentialProviderFactory>();
        var monitor = services.GetRequiredService<IOptionsMonitor<CredentialKitProfileOptions>>();
        var top = services.GetRequiredService<IOptions<CredentialKitOptions>>().Value;

        Assert.Equal(["billing", "reports"], factory.ProfileNames.Order());
        Assert.Equal(DependencyInjectionFixture.ReportsArn, monitor.Get("reports").Roles[1].RoleArn);
        Assert.Equal(DependencyInjectionFixture.BillingArn, monitor.Get("billing").Roles[1].RoleArn);
        Assert.False(top.WarmUpOnStart);
        Assert.Equal(64, top.SessionCache.SizeLimit);
    }

    [Fact]
    public async Task AddProfile_ActionOnly_RegistersAProfileConfiguredInCode()
    {
        var source = new BasicAWSCredentials(ProviderFixture.SourceAccessKeyId, ProviderFixture.SourceSecret);
        using var services = _fixture.BuildProvider((s, _) => s.AddCredentialKit().AddProfile("billing", o =>
        {
            o.Source.Type = SourceCredentialsType.Credentials;
            o.Source.Credentials = source;
            o.Roles.Add(new AssumeRoleOptions { RoleArn = DependencyInjectionFixture.BillingArn, RoleSessionName = "code" });
        }));

        var credentials = await services.GetRequiredKeyedService<ICredentialProvider>("billing").GetCredentialsAsync();

        Assert.StartsWith("ASIABILLING", credentials.AccessKeyId);
        Assert.Equal(ProviderFixture.SourceAccessKeyId, _fixture.Sts.Calls.Single().SignerAccessKeyId);
    }

    [Fact]
    public void AddProfile_SectionAndAction_ApplyInCallOrder()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.HubArn);
        using var services = _fixture.BuildProvider((s, c) => s.AddCredentialKit()
            .AddProfile("reports", c.GetSection("CredentialKit:Profiles:reports"))
            .AddProfile("reports", o =>
            {
                o.Roles.Add(new AssumeRoleOptions { RoleArn = DependencyInjectionFixture.ReportsArn });
                o.Sts.Region = "eu-west-1";
            }));

        var options = services.GetRequiredService<IOptionsMonitor<CredentialKitProfileOptions>>().Get("reports");

        Assert.Equal([DependencyInjectionFixture.HubArn, DependencyInjectionFixture.ReportsArn], options.Roles.Select(r => r.RoleArn));
        Assert.Equal("eu-west-1", options.Sts.Region);
        Assert.Equal(["reports"], services.GetRequiredService<ICredentialProviderFactory>().ProfileNames);
    }

    [Fact]
    public async Task StartAsync_UnknownProfileKey_FailsNamingTheProfileAndTheKeyPath()
    {
        _fixture.WithProfile("reports").Set(DependencyInjectionFixture.Key("reports", "Roles:0:RoleArnn"), "arn:aws:iam::111122223333:role/typo");
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("reports", error.OptionsName);
        var message = Assert.Single(error.Failures);
        Assert.StartsWith("Profile 'reports': Roles:0:RoleArnn is not a known setting (configuration key 'CredentialKit:Profiles:reports:Roles:0:RoleArnn')", message);
        Assert.Contains("allowed: one of RoleArn, RoleSessionName, Duration", message);
        Assert.DoesNotContain("MfaTokenCodeProvider", message); // code-only settings are not offered as keys
        Assert.Equal(0, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task StartAsync_SeveralUnknownKeys_ReportsEveryOne()
    {
        _fixture.WithProfile("reports")
            .Set(DependencyInjectionFixture.Key("reports", "Stss:Region"), "eu-west-1")
            .Set(DependencyInjectionFixture.Key("reports", "Refresh:RefreshAheadd"), "00:10:00")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:0:Tags:team:extra"), "x");
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Collection(
            error.Failures.Order(),
            m => Assert.StartsWith("Profile 'reports': Refresh:RefreshAheadd is not a known setting", m),
            m => Assert.StartsWith("Profile 'reports': Roles:0:Tags:team has keys below it (configuration key 'CredentialKit:Profiles:reports:Roles:0:Tags:team'), because configuration splits keys at ':'", m),
            m => Assert.StartsWith("Profile 'reports': Stss is not a known setting", m));
    }

    [Fact]
    public async Task StartAsync_UnknownTopLevelKey_FailsNamingTheKeyPath()
    {
        _fixture.WithProfile("reports").Set("CredentialKit:WarmUpOnStrat", "false");
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(typeof(CredentialKitOptions), error.OptionsType);
        Assert.StartsWith("WarmUpOnStrat is not a known setting (configuration key 'CredentialKit:WarmUpOnStrat'); allowed: one of WarmUpOnStart, SessionCache", Assert.Single(error.Failures));
    }

    [Fact]
    public async Task StartAsync_ValueThatDoesNotConvert_FailsNamingProfileKeyPathAndProblem()
    {
        _fixture.WithProfile("reports")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:0:Duration"), "1 hour")
            .Set(DependencyInjectionFixture.Key("reports", "Source:Type"), "Envrionment");
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, m => m.StartsWith(
            "Profile 'reports': Roles:0:Duration has the value '1 hour', which is not a duration (configuration key " +
            "'CredentialKit:Profiles:reports:Roles:0:Duration'); allowed: a duration written hh:mm:ss", StringComparison.Ordinal));
        Assert.Contains(error.Failures, m => m.StartsWith("Profile 'reports': Source:Type has the value 'Envrionment', which is not a SourceCredentialsType", StringComparison.Ordinal)
            && m.Contains("allowed: one of Default, Static, Credentials", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_ValueOutsideStsLimits_FailsNamingProfileKeyPathAndProblem()
    {
        _fixture.WithProfile("reports").Set(DependencyInjectionFixture.Key("reports", "Roles:0:Duration"), "00:05:00");
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("reports", error.OptionsName);
        var message = Assert.Single(error.Failures);
        Assert.StartsWith($"Profile 'reports': Roles:0:Duration ({DependencyInjectionFixture.HubArn}) ", message);
        Assert.Contains("allowed:", message);
        Assert.Equal(0, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task StartAsync_BindingFailuresNearSecrets_NeverRepeatASecret()
    {
        _fixture.WithProfile("reports")
            .Set(DependencyInjectionFixture.Key("reports", "Source:SessionToken:extra"), "SESSIONTOKENSECRET")
            .Set(DependencyInjectionFixture.Key("reports", "Source:SecretAccessKeyy"), "TYPOEDSECRETVALUE")
            .Set(DependencyInjectionFixture.Key("reports", "Source:Type"), "Nope");
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        // The three binding problems, and what the validator finds in the rest (a Default source given static keys).
        Assert.Contains(error.Failures, m => m.StartsWith("Profile 'reports': Source:SessionToken:extra is not a known setting", StringComparison.Ordinal));
        Assert.Contains(error.Failures, m => m.StartsWith("Profile 'reports': Source:SecretAccessKeyy is not a known setting", StringComparison.Ordinal));
        Assert.Contains(error.Failures, m => m.StartsWith("Profile 'reports': Source:Type has the value 'Nope'", StringComparison.Ordinal));
        Assert.DoesNotContain(ProviderFixture.SourceSecret, error.Message);
        Assert.DoesNotContain("SESSIONTOKENSECRET", error.Message);
        Assert.DoesNotContain("TYPOEDSECRETVALUE", error.Message);
    }

    [Fact]
    public async Task StartAsync_CodeOnlySettingInConfiguration_FailsSayingToSetItInCode()
    {
        _fixture.WithProfile("reports").Set(DependencyInjectionFixture.Key("reports", "Source:Credentials"), "anything");
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith("Profile 'reports': Source:Credentials can only be set in code", Assert.Single(error.Failures));
    }

    [Fact]
    public async Task StartAsync_ListGivenAsSingleValue_FailsInsteadOfIgnoringIt()
    {
        _fixture.WithProfile("reports").Set(DependencyInjectionFixture.Key("reports", "Roles:0:PolicyArns"), "arn:aws:iam::aws:policy/ReadOnlyAccess");
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith("Profile 'reports': Roles:0:PolicyArns is a single value, but it is a list", Assert.Single(error.Failures));
    }

    [Fact]
    public async Task StartAsync_TwoBadProfiles_ReportsBoth()
    {
        _fixture.WithProfile("reports").WithProfile("billing")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:0:Typo"), "x")
            .Set(DependencyInjectionFixture.Key("billing", "Refresh:JitterFraction"), "2");
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<AggregateException>(() => host.StartAsync());

        var messages = error.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures).ToList();
        Assert.Contains(messages, m => m.StartsWith("Profile 'reports': Roles:0:Typo", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Profile 'billing': Refresh:JitterFraction", StringComparison.Ordinal));
    }

    [Fact]
    public void AddProfile_NameDiffersOnlyInCaseFromARegisteredOne_Throws()
    {
        var builder = new ServiceCollection().AddCredentialKit().AddProfile("reports", _ => { });

        var error = Assert.Throws<ArgumentException>(() => builder.AddProfile("Reports", _ => { }));

        Assert.Contains("'Reports' differs only in case from the registered profile 'reports'", error.Message);
    }

    [Fact]
    public void AddCredentialKit_NullOrEmptyArguments_Throw()
    {
        var services = new ServiceCollection();
        var builder = services.AddCredentialKit();

        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddCredentialKit());
        Assert.Throws<ArgumentNullException>(() => services.AddCredentialKit(null!));
        Assert.Throws<ArgumentNullException>(() => builder.AddProfile(null!, _ => { }));
        Assert.Throws<ArgumentException>(() => builder.AddProfile(" ", _ => { }));
        Assert.Throws<ArgumentNullException>(() => builder.AddProfile("reports", (Action<CredentialKitProfileOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => builder.AddProfile("reports", (IConfiguration)null!));
        Assert.Same(services, builder.Services);
    }
}
