using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.DependencyInjection;

/// <summary>
/// Nothing in configuration is silently accepted: each case fails the start with a message naming the key path and the
/// allowed values, and makes no STS call.
/// </summary>
public class ConfigurationStrictnessTests
{
    private readonly DependencyInjectionFixture _fixture = new();

    [Fact]
    public async Task StartAsync_TagsWrittenAsAList_FailsInsteadOfMakingTheTagZero()
    {
        _fixture.WithProfile("reports").Set(DependencyInjectionFixture.Key("reports", "Roles:0:Tags:0"), "team");

        var message = Assert.Single(await StartFailuresAsync());

        Assert.StartsWith("Profile 'reports': Roles:0:Tags:0 is a list item without Key and Value (configuration key 'CredentialKit:Profiles:reports:Roles:0:Tags:0')", message);
        Assert.Contains("allowed: a map Roles:0:Tags: { \"team\": \"data\" }, or a list of { \"Key\": …, \"Value\": … } items", message);
    }

    [Fact]
    public async Task StartAsync_ProfilesIsASingleValue_Fails()
    {
        _fixture.Set("CredentialKit:Profiles", "p");

        var message = Assert.Single(await StartFailuresAsync<CredentialKitOptions>());

        Assert.StartsWith("Profiles is a single value, but it is a section (configuration key 'CredentialKit:Profiles'); allowed: a section with Profiles:<name>", message);
    }

    [Fact]
    public async Task StartAsync_MistypedSectionName_FailsNamingTheMissingSection()
    {
        _fixture.WithProfile("reports");
        foreach (var key in _fixture.Settings.Keys.ToList())
        {
            _fixture.Settings["CredentialKitt" + key["CredentialKit".Length..]] = _fixture.Settings[key];
            _fixture.Settings.Remove(key);
        }

        var message = Assert.Single(await StartFailuresAsync<CredentialKitOptions>());

        Assert.StartsWith("Profiles has no profile because the section 'CredentialKit' does not exist", message);
        Assert.Contains("allowed: a section with Profiles:<name> for each profile", message);
    }

    [Fact]
    public async Task StartAsync_SectionWithoutProfiles_Fails()
    {
        _fixture.Set("CredentialKit:WarmUpOnStart", "false");

        var message = Assert.Single(await StartFailuresAsync<CredentialKitOptions>());

        Assert.StartsWith("Profiles has no profile (configuration key 'CredentialKit:Profiles')", message);
    }

    [Fact]
    public async Task StartAsync_RolesWithKeysThatAreNotIndices_FailsForEachKey()
    {
        _fixture.WithProfile("reports");
        _fixture.Settings.Remove(DependencyInjectionFixture.Key("reports", "Roles:0:RoleArn"));
        _fixture.Settings.Remove(DependencyInjectionFixture.Key("reports", "Roles:0:RoleSessionName"));
        _fixture.Set(DependencyInjectionFixture.Key("reports", "Roles:b:RoleArn"), DependencyInjectionFixture.ReportsArn)
            .Set(DependencyInjectionFixture.Key("reports", "Roles:a:RoleArn"), DependencyInjectionFixture.HubArn);

        var failures = await StartFailuresAsync();

        Assert.Contains(failures, m => m.StartsWith("Profile 'reports': Roles:a is not a list index (configuration key 'CredentialKit:Profiles:reports:Roles:a'); allowed: a JSON array, or keys 0, 1, 2, …", StringComparison.Ordinal));
        Assert.Contains(failures, m => m.StartsWith("Profile 'reports': Roles:b is not a list index", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_RolesWithIndices_KeepsNumericOrder()
    {
        _fixture.WithProfile("reports");
        for (var i = 0; i < 12; i++)
        {
            _fixture.Set(DependencyInjectionFixture.Key("reports", $"Roles:{i}:RoleArn"), $"arn:aws:iam::111122223333:role/r{i}");
        }

        using var services = _fixture.BuildProvider();
        var roles = services.GetRequiredService<IOptionsMonitor<CredentialKitProfileOptions>>().Get("reports").Roles;

        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"arn:aws:iam::111122223333:role/r{i}"), roles.Select(r => r.RoleArn));
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("")]
    public async Task StartAsync_BlankProfileName_FailsNamingTheKeyPath(string name)
    {
        _fixture.WithProfile("reports");
        foreach (var key in _fixture.Settings.Keys.Where(k => k.StartsWith("CredentialKit:Profiles:reports:", StringComparison.Ordinal)).ToList())
        {
            _fixture.Settings[key.Replace(":reports:", $":{name}:", StringComparison.Ordinal)] = _fixture.Settings[key];
        }

        var failures = await StartFailuresAsync<CredentialKitOptions>();

        Assert.Contains(failures, m => m.StartsWith($"Profiles:{name} is a profile whose name is {(name.Length == 0 ? "empty" : "1 white-space character")} (configuration key 'CredentialKit:Profiles:{name}')", StringComparison.Ordinal));
    }

    [Fact]
    public void AddProfile_BlankNameInCode_ThrowsSayingWhatTheNameIs()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<ArgumentException>(() => services.AddCredentialKit().AddProfile("   ", _ => { }));

        Assert.Equal("name", error.ParamName);
        Assert.Contains("profile name must not be empty or white space", error.Message);
        Assert.Contains("3 white-space characters", error.Message);
    }

    [Fact]
    public async Task AddCredentialKit_SameSectionTwiceAndAgainAsAProfile_BindsItOnce()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.HubArn).Set("CredentialKit:WarmUpOnStart", "false");
        using var host = _fixture.BuildHost((s, c) =>
        {
            s.AddCredentialKit(c.GetSection("CredentialKit"));
            s.AddCredentialKit(c.GetSection("CredentialKit"));
            s.AddCredentialKit().AddProfile("reports", c.GetSection("CredentialKit:Profiles:reports"));
        });
        await host.StartAsync();

        var options = host.Services.GetRequiredService<IOptionsMonitor<CredentialKitProfileOptions>>().Get("reports");
        await host.Services.GetRequiredKeyedService<ICredentialProvider>("reports").GetCredentialsAsync();

        Assert.Equal([DependencyInjectionFixture.HubArn], options.Roles.Select(r => r.RoleArn));
        Assert.Equal(DependencyInjectionFixture.HubArn, Assert.Single(_fixture.Sts.Calls).Request.RoleArn);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Refresh:MaxRetryAttempts", "three", "a whole number from 0 to 10 (retries after the first attempt)")]
    [InlineData("Refresh:JitterFraction", "half", "a number from 0 to 1")]
    [InlineData("Refresh:AttemptTimeout", "5s", "a duration written hh:mm:ss from 00:00:00.01 to 00:05:00")]
    [InlineData("Roles:0:Duration", "1h", "a duration written hh:mm:ss from 00:15:00 to 12:00:00")]
    public async Task StartAsync_ValueOfTheWrongType_ReportsTheSettingsOwnRange(string path, string value, string allowed)
    {
        _fixture.WithProfile("reports").Set(DependencyInjectionFixture.Key("reports", path), value);

        var message = Assert.Single(await StartFailuresAsync());

        Assert.StartsWith($"Profile 'reports': {path} has the value '{value}'", message);
        Assert.Contains($"(configuration key 'CredentialKit:Profiles:reports:{path}'); allowed: {allowed}", message);
        Assert.DoesNotContain("2147483647", message);
    }

    [Fact]
    public async Task StartAsync_SeveralBadValues_ReportsEachInOneFailure()
    {
        _fixture.WithProfile("reports", DependencyInjectionFixture.HubArn, DependencyInjectionFixture.ReportsArn)
            .Set(DependencyInjectionFixture.Key("reports", "Refresh:MaxRetryAttempts"), "three")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:0:Duration"), "1h")
            .Set(DependencyInjectionFixture.Key("reports", "Refresh:AttemptTimeout"), "00:10:00")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:1:RoleSessionName"), "bad name")
            .Set(DependencyInjectionFixture.Key("reports", "Sts:Regoin"), "eu-west-1");

        var failures = await StartFailuresAsync();

        Assert.Collection(
            failures.Order(StringComparer.Ordinal),
            m => Assert.StartsWith("Profile 'reports': Refresh:AttemptTimeout is 00:10:00", m),
            m => Assert.StartsWith("Profile 'reports': Refresh:MaxRetryAttempts has the value 'three'", m),
            m => Assert.StartsWith("Profile 'reports': Roles:0:Duration has the value '1h'", m),
            m => Assert.StartsWith($"Profile 'reports': Roles:1:RoleSessionName ({DependencyInjectionFixture.ReportsArn}) contains ' '", m),
            m => Assert.StartsWith("Profile 'reports': Sts:Regoin is not a known setting", m));
    }

    [Fact]
    public async Task Bind_TagKeysWithColonsInTheListForm_ReachStsAsWritten()
    {
        _fixture.WithProfile("reports")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:0:Tags:0:Key"), "cost:center")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:0:Tags:0:Value"), "42")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:0:Tags:1:Key"), "team")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:0:Tags:1:Value"), "")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:0:Tags:env"), "prod")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:0:TransitiveTagKeys:0"), "cost:center")
            .Set("CredentialKit:WarmUpOnStart", "false");
        using var host = _fixture.BuildHost();
        await host.StartAsync();

        await host.Services.GetRequiredKeyedService<ICredentialProvider>("reports").GetCredentialsAsync();

        var tags = Assert.Single(_fixture.Sts.Calls).Request.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(new Dictionary<string, string> { ["cost:center"] = "42", ["team"] = "", ["env"] = "prod" }, tags);
        await host.StopAsync();
    }

    [Fact]
    public async Task StartAsync_TagKeyWithAColonInTheMapForm_SaysToUseTheListForm()
    {
        _fixture.WithProfile("reports").Set(DependencyInjectionFixture.Key("reports", "Roles:0:Tags:cost:center"), "42");

        var message = Assert.Single(await StartFailuresAsync());

        Assert.StartsWith("Profile 'reports': Roles:0:Tags:cost has keys below it (configuration key 'CredentialKit:Profiles:reports:Roles:0:Tags:cost')", message);
        Assert.Contains("write a key that contains ':' in the list form Roles:0:Tags: [ { \"Key\": \"cost:…\", \"Value\": \"…\" } ]", message);
    }

    [Theory]
    [InlineData("Key", null, "Roles:0:Tags:0:Value is missing")]
    [InlineData(null, "42", "Roles:0:Tags:0:Key is missing")]
    public async Task StartAsync_TagListItemIncomplete_NamesTheMissingMember(string? key, string? value, string expected)
    {
        _fixture.WithProfile("reports");
        if (key is not null)
        {
            _fixture.Set(DependencyInjectionFixture.Key("reports", "Roles:0:Tags:0:Key"), "cost:center");
        }

        if (value is not null)
        {
            _fixture.Set(DependencyInjectionFixture.Key("reports", "Roles:0:Tags:0:Value"), value);
        }

        var message = Assert.Single(await StartFailuresAsync());

        Assert.StartsWith($"Profile 'reports': {expected}", message);
    }

    [Fact]
    public async Task StartAsync_TagListRepeatsAKeyIgnoringCase_Fails()
    {
        _fixture.WithProfile("reports")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:0:Tags:team"), "a")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:0:Tags:0:Key"), "TEAM")
            .Set(DependencyInjectionFixture.Key("reports", "Roles:0:Tags:0:Value"), "b");

        var message = Assert.Single(await StartFailuresAsync());

        Assert.Contains("repeats the key", message);
    }

    private Task<IReadOnlyList<string>> StartFailuresAsync() => StartFailuresAsync<CredentialKitProfileOptions>();

    private async Task<IReadOnlyList<string>> StartFailuresAsync<T>()
    {
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(typeof(T), error.OptionsType);
        Assert.Equal(0, _fixture.Sts.CallCount);
        Assert.Empty(_fixture.Sts.SourceCalls);
        return [.. error.Failures];
    }
}
