using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.DependencyInjection;

/// <summary>
/// Issue #17.7: list keys must be 0, 1, 2, …; a gap (an entry lost in an edit or an override) fails the start naming the
/// list and the missing index, with no STS call, for every list a profile binds.
/// </summary>
public class ListIndexGapTests
{
    private readonly DependencyInjectionFixture _fixture = new();

    [Theory]
    [InlineData("Roles", new[] { "0", "2" }, "so Roles:1 is missing")]
    [InlineData("Roles", new[] { "1", "2" }, "so Roles:0 is missing")]
    [InlineData("Roles", new[] { "0", "01" }, "and Roles:01 is written with a leading zero")]
    public async Task StartAsync_RoleIndicesWithAGap_Fail(string list, string[] indices, string problem)
    {
        _fixture.WithProfile("p");
        foreach (var key in _fixture.Settings.Keys.Where(k => k.Contains(":Roles:", StringComparison.Ordinal)).ToList())
        {
            _fixture.Settings.Remove(key);
        }

        foreach (var index in indices)
        {
            _fixture.Settings[DependencyInjectionFixture.Key("p", $"{list}:{index}:RoleArn")] = ProviderFixture.HubArn;
            _fixture.Settings[DependencyInjectionFixture.Key("p", $"{list}:{index}:RoleSessionName")] = "app-session";
        }

        var message = Assert.Single(await StartFailuresAsync());

        Assert.Contains($"Profile 'p': {list} has the list indices", message, StringComparison.Ordinal);
        Assert.Contains(problem, message, StringComparison.Ordinal);
        Assert.Contains("allowed: indices 0, 1, 2, … without gaps", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Roles:0:PolicyArns", "arn:aws:iam::aws:policy/ReadOnlyAccess")]
    [InlineData("Roles:0:TransitiveTagKeys", "team")]
    [InlineData("Sts:FallbackRegions", "eu-west-1")]
    public async Task StartAsync_ScalarListWithAGap_Fails(string list, string value)
    {
        _fixture.WithProfile("p", ProviderFixture.HubArn);
        _fixture.Settings[DependencyInjectionFixture.Key("p", $"{list}:0")] = value;
        _fixture.Settings[DependencyInjectionFixture.Key("p", $"{list}:2")] = value + "x";
        if (list.Contains("Transitive", StringComparison.Ordinal))
        {
            _fixture.Settings[DependencyInjectionFixture.Key("p", "Roles:0:Tags:team")] = "data";
        }

        var failures = await StartFailuresAsync();

        Assert.Contains(failures, f => f.Contains($"{list} has the list indices 0, 2", StringComparison.Ordinal) && f.Contains($"so {list}:1 is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_TagListFormWithAGap_Fails()
    {
        _fixture.WithProfile("p", ProviderFixture.HubArn);
        _fixture.Settings[DependencyInjectionFixture.Key("p", "Roles:0:Tags:0:Key")] = "team";
        _fixture.Settings[DependencyInjectionFixture.Key("p", "Roles:0:Tags:0:Value")] = "data";
        _fixture.Settings[DependencyInjectionFixture.Key("p", "Roles:0:Tags:3:Key")] = "cost:center";
        _fixture.Settings[DependencyInjectionFixture.Key("p", "Roles:0:Tags:3:Value")] = "42";

        var failures = await StartFailuresAsync();

        Assert.Contains(failures, f => f.Contains("Roles:0:Tags has the list indices 0, 3", StringComparison.Ordinal) && f.Contains("so Roles:0:Tags:1 is missing", StringComparison.Ordinal));
    }

    private async Task<IReadOnlyList<string>> StartFailuresAsync()
    {
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(0, _fixture.Sts.CallCount);
        return [.. error.Failures];
    }
}
