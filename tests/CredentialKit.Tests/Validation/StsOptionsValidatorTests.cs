using CredentialKit;
using static CredentialKit.Tests.Validation.ValidationTestData;

namespace CredentialKit.Tests.Validation;

public class StsOptionsValidatorTests
{
    [Theory]
    [InlineData("eu-west-1", true)]
    [InlineData("us-gov-west-1", true)]
    [InlineData("cn-north-1", true)]
    [InlineData("ap-southeast-2", true)]
    [InlineData("us-isob-east-1", true)]
    [InlineData("eusc-de-east-1", true)]
    [InlineData("", true)] // empty means unset
    [InlineData("EU-WEST-1", false)]
    [InlineData("eu-west", false)]
    [InlineData("euwest1", false)]
    [InlineData("eu-west-1 ", false)]
    [InlineData("eu-west-١", false)] // .NET \d would accept an Arabic-Indic digit
    [InlineData("sts.eu-west-1.amazonaws.com", false)]
    public void Validate_Region_MustBeARegionName(string region, bool valid)
    {
        var options = CreateValid();
        options.Sts.Region = region;

        var failures = Failures(options);

        if (valid)
        {
            Assert.Empty(failures);
        }
        else
        {
            Assert.Equal(
                $"Sts:Region is '{region}', which is not a region name; allowed: a region name such as eu-west-1, us-gov-west-1 or cn-north-1.",
                Assert.Single(failures));
        }
    }

    [Theory]
    [InlineData("eu-central-1", true)]
    [InlineData("Frankfurt", false)]
    public void Validate_AuthenticationRegion_MustBeARegionName(string region, bool valid)
    {
        var options = CreateValid();
        options.Sts.ServiceUrl = "https://sts.example.internal";
        options.Sts.AuthenticationRegion = region;

        var failures = Failures(options);

        Assert.Equal(valid, failures.Count == 0);
        if (!valid)
        {
            Assert.StartsWith($"Sts:AuthenticationRegion is '{region}', which is not a region name; allowed: ", Assert.Single(failures), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:4566/", true)]
    [InlineData("https://sts.eu-west-1.amazonaws.com", true)]
    [InlineData("https://vpce-0abc.sts.eu-west-1.vpce.amazonaws.com/path", true)]
    [InlineData("", true)]
    [InlineData("sts.eu-west-1.amazonaws.com", false)]
    [InlineData("localhost:4566", false)]
    [InlineData("ftp://sts.example.com", false)]
    [InlineData("/relative/path", false)]
    [InlineData("http://", false)]
    public void Validate_ServiceUrl_MustBeAbsoluteHttpOrHttps(string url, bool valid)
    {
        var options = CreateValid();
        options.Sts.ServiceUrl = url;

        var failures = Failures(options);

        if (valid)
        {
            Assert.Empty(failures);
        }
        else
        {
            var failure = Assert.Single(failures);
            Assert.StartsWith($"Sts:ServiceUrl is '{url}', which is not an absolute http or https URL; allowed: an absolute http:// or https:// URL", failure, StringComparison.Ordinal);
        }
    }

    [Theory] // issue #17.4: refused, and the user info is never printed
    [InlineData("http://user:SECRETPW@127.0.0.1:4566/", "http://***@127.0.0.1:4566/")]
    [InlineData("http://user:SECRET/PW@sts.example.com/", "http://***@sts.example.com/")]
    [InlineData("https://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI#K7MDENG@sts.amazonaws.com", "https://***@sts.amazonaws.com")]
    [InlineData("http://:SECRETPW@localhost", "http://***@localhost")]
    [InlineData("http://SECRETPW@localhost/", "http://***@localhost/")]
    public void Validate_ServiceUrlWithUserInfo_IsRefusedWithoutPrintingIt(string url, string printed)
    {
        var options = CreateValid();
        options.Sts.ServiceUrl = url;

        var failure = Assert.Single(Failures(options));
        var startUp = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => CredentialProvider.Create(options));

        Assert.StartsWith($"Sts:ServiceUrl is '{printed}', which has user info", failure, StringComparison.Ordinal);
        foreach (var text in new[] { failure, startUp.Message, options.Sts.ToString() })
        {
            Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
            Assert.DoesNotContain("wJalr", text, StringComparison.Ordinal);
            Assert.DoesNotContain("user:SECRET", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_ValidFallbackRegions_Succeeds()
    {
        var options = CreateValid();
        options.Sts.Region = "eu-west-1";
        options.Sts.FallbackRegions.Add("eu-central-1");
        options.Sts.FallbackRegions.Add("eu-north-1");

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Validate_BadFallbackRegions_ReportsEachEntry()
    {
        var options = CreateValid();
        options.Sts.Region = "eu-west-1";
        options.Sts.FallbackRegions.Add("eu-central-1");
        options.Sts.FallbackRegions.Add("eu-central-1");
        options.Sts.FallbackRegions.Add("eu-west-1");
        options.Sts.FallbackRegions.Add("Ireland");
        options.Sts.FallbackRegions.Add(null!);

        var failures = Failures(options);

        const string Allowed = "; allowed: a region name such as eu-west-1, us-gov-west-1 or cn-north-1, each once and other than Sts:Region.";
        Assert.Equal(
            [
                "Sts:FallbackRegions:1 is 'eu-central-1', which Sts:FallbackRegions:0 already lists" + Allowed,
                "Sts:FallbackRegions:2 is 'eu-west-1', which is Sts:Region itself" + Allowed,
                "Sts:FallbackRegions:3 is 'Ireland', which is not a region name" + Allowed,
                "Sts:FallbackRegions:4 is null" + Allowed,
            ],
            failures);
    }

    [Fact]
    public void Validate_CustomServiceUrlWithFallbackRegionsWithoutTheirUrls_IsRefusedNamingEachRegion()
    {
        var options = CreateValid();
        options.Sts.ServiceUrl = "https://vpce-0abc.sts.eu-west-1.vpce.amazonaws.com";
        options.Sts.AuthenticationRegion = "eu-west-1";
        options.Sts.FallbackRegions.Add("eu-central-1");
        options.Sts.FallbackRegions.Add("eu-north-1");
        options.Sts.FallbackServiceUrls["eu-central-1"] = "https://vpce-0def.sts.eu-central-1.vpce.amazonaws.com";

        var failure = Assert.Single(Failures(options));

        Assert.Equal(
            "Sts:FallbackServiceUrls:eu-north-1 is not set, but Sts:ServiceUrl is ('https://vpce-0abc.sts.eu-west-1.vpce.amazonaws.com') " +
            "and Sts:FallbackRegions:1 is 'eu-north-1': without its own URL the fallback would go to the public endpoint " +
            "sts.eu-north-1.amazonaws.com, not a VPC endpoint or FIPS like the primary; allowed: the endpoint URL to use in " +
            "eu-north-1 (a VPC endpoint or FIPS URL), or remove eu-north-1 from Sts:FallbackRegions.",
            failure);
    }

    [Fact]
    public void Validate_CustomServiceUrlWithAUrlPerFallbackRegion_Succeeds()
    {
        var options = CreateValid();
        options.Sts.ServiceUrl = "https://sts-fips.us-east-1.amazonaws.com";
        options.Sts.FallbackRegions.Add("us-west-2");
        options.Sts.FallbackServiceUrls["us-west-2"] = "https://sts-fips.us-west-2.amazonaws.com";

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Validate_BadFallbackServiceUrls_ReportsEachEntryWithoutItsUserInfo()
    {
        var options = CreateValid();
        options.Sts.Region = "eu-west-1";
        options.Sts.FallbackRegions.Add("eu-central-1");
        options.Sts.FallbackRegions.Add("eu-north-1");
        options.Sts.FallbackRegions.Add("us-east-1");
        options.Sts.FallbackServiceUrls["eu-central-1"] = "sts.eu-central-1.amazonaws.com";
        options.Sts.FallbackServiceUrls["eu-north-1"] = "https://user:SECRET@sts.eu-north-1.amazonaws.com";
        options.Sts.FallbackServiceUrls["us-east-1"] = "";
        options.Sts.FallbackServiceUrls["ap-east-1"] = "https://sts.ap-east-1.amazonaws.com";

        var failures = Failures(options);

        const string UrlAllowed = "; allowed: an absolute http:// or https:// URL such as https://sts-fips.us-west-2.amazonaws.com or https://vpce-0abc-1234.sts.eu-west-1.vpce.amazonaws.com, without user info.";
        Assert.Equal(
            [
                "Sts:FallbackServiceUrls:ap-east-1 names region 'ap-east-1', which Sts:FallbackRegions does not list; allowed: a region listed in Sts:FallbackRegions.",
                "Sts:FallbackServiceUrls:eu-central-1 is 'sts.eu-central-1.amazonaws.com', which is not an absolute http or https URL" + UrlAllowed,
                "Sts:FallbackServiceUrls:eu-north-1 is 'https://***@sts.eu-north-1.amazonaws.com', which has user info (user:password@); CredentialKit never sends or prints it" + UrlAllowed,
                "Sts:FallbackServiceUrls:us-east-1 is empty" + UrlAllowed,
            ],
            failures);
        Assert.DoesNotContain("SECRET", string.Join("\n", failures), StringComparison.Ordinal);
    }
}
