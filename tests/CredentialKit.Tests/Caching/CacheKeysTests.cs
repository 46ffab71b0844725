using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Caching;

/// <summary>Hop keys are computed without building their text (issue #14), and are the same fingerprints as before.</summary>
public class CacheKeysTests
{
    [Theory]
    [InlineData(null, null, null)]
    [InlineData("https://sts.example.test", "eu-west-1", "eu-west-1")]
    public void ForHop_EqualsTheHashOfTheJoinedText(string? serviceUrl, string? region, string? authenticationRegion)
    {
        var role = new AssumeRoleOptions { RoleArn = ProviderFixture.ReportsArn, ExternalId = "ext-é-1", Policy = "{\"Version\":\"2012-10-17\"}" };
        role.Tags["Team"] = "ünicode";
        role.TransitiveTagKeys.Add("Team");
        role.PolicyArns.Add("arn:aws:iam::aws:policy/ReadOnlyAccess");
        var template = AssumeRoleTemplate.From(role, isChained: true);
        var sts = new StsOptions { ServiceUrl = serviceUrl, Region = region, AuthenticationRegion = authenticationRegion };
        var settings = RefreshSettings.From(new RefreshOptions());
        const string Parent = "ck:0123456789ABCDEF0123456789ABCDEF";

        var expected = "ck:" + CacheKeys.Hash(string.Join('\n', Parent, template.Describe(), serviceUrl, region, authenticationRegion, settings.ToString()));

        Assert.Equal(expected, CacheKeys.ForHop(Parent, template, sts, settings));
        Assert.Equal(expected, CacheKeys.ForHop(Parent, template.Describe(), sts, settings));
    }

    [Fact]
    public void ForHop_DiffersWithEachPart()
    {
        var template = AssumeRoleTemplate.From(new AssumeRoleOptions { RoleArn = ProviderFixture.ReportsArn }, isChained: true);
        var other = AssumeRoleTemplate.From(new AssumeRoleOptions { RoleArn = ProviderFixture.BillingArn }, isChained: true);
        var settings = RefreshSettings.From(new RefreshOptions());
        var slower = RefreshSettings.From(new RefreshOptions { AttemptTimeout = TimeSpan.FromSeconds(9) });
        var sts = new StsOptions();
        var keys = new[]
        {
            CacheKeys.ForHop("a", template, sts, settings),
            CacheKeys.ForHop("b", template, sts, settings),
            CacheKeys.ForHop("a", other, sts, settings),
            CacheKeys.ForHop("a", template, new StsOptions { Region = "eu-west-1" }, settings),
            CacheKeys.ForHop("a", template, sts, slower),
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }
}
