using CredentialKit.Tests.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.Sources;

public class SourceConfigurationTests
{
    private readonly DependencyInjectionFixture _fixture = new();

    [Fact]
    public void AddProfile_SourceKeysOfTheNewTypes_Bind()
    {
        const string P = "CredentialKit:Profiles:web:";
        _fixture.Settings[P + "Source:Type"] = "FederationToken";
        _fixture.Settings[P + "Source:Name"] = "bob";
        _fixture.Settings[P + "Source:Duration"] = "1.12:00:00";
        _fixture.Settings[P + "Source:Tags:team"] = "data";
        _fixture.Settings[P + "Source:PolicyArns:0"] = "arn:aws:iam::aws:policy/ReadOnlyAccess";

        using var services = _fixture.BuildProvider((s, c) => s.AddCredentialKit().AddProfile("web", c.GetSection("CredentialKit:Profiles:web")));
        var options = services.GetRequiredService<IOptionsMonitor<CredentialKitProfileOptions>>().Get("web");

        Assert.Equal(SourceCredentialsType.FederationToken, options.Source.Type);
        Assert.Equal("bob", options.Source.Name);
        Assert.Equal(TimeSpan.FromHours(36), options.Source.Duration);
        Assert.Equal("data", options.Source.Tags["TEAM"]);
        Assert.Equal(["arn:aws:iam::aws:policy/ReadOnlyAccess"], options.Source.PolicyArns);
    }

    [Fact]
    public void AddProfile_CallbackKeyInConfiguration_IsCodeOnly()
    {
        const string P = "CredentialKit:Profiles:web:";
        _fixture.Settings[P + "Source:Type"] = "WebIdentity";
        _fixture.Settings[P + "Source:WebIdentityTokenProvider"] = "x";

        using var services = _fixture.BuildProvider((s, c) => s.AddCredentialKit().AddProfile("web", c.GetSection("CredentialKit:Profiles:web")));
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptionsMonitor<CredentialKitProfileOptions>>().Get("web"));

        Assert.Contains("Source:WebIdentityTokenProvider can only be set in code", error.Message, StringComparison.Ordinal);
    }
}
