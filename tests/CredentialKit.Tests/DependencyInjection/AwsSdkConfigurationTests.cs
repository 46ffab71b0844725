using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.DependencyInjection;

/// <summary>
/// <c>CredentialKit:AwsSdk</c> reaches the <see cref="AWSCredentials"/> registered for the default and each named profile;
/// the thread-pool boost is off unless configuration or code turns it on.
/// </summary>
public class AwsSdkConfigurationTests
{
    private readonly DependencyInjectionFixture _fixture = new();

    [Theory]
    [InlineData(null, false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    public void AwsSdkSection_RaiseThreadPoolMinimumWhileBlocked_ReachesEveryRegisteredCredentials(string? configured, bool expected)
    {
        _fixture.WithProfile("reports");
        if (configured is not null)
        {
            _fixture.Set("CredentialKit:AwsSdk:RaiseThreadPoolMinimumWhileBlocked", configured);
        }

        using var services = _fixture.BuildProvider();

        var keyed = Assert.IsType<ProviderAwsCredentials>(services.GetRequiredKeyedService<AWSCredentials>("reports"));
        var unkeyed = Assert.IsType<ProviderAwsCredentials>(services.GetRequiredService<AWSCredentials>());

        Assert.Equal(expected, keyed.RaiseThreadPoolMinimumWhileBlocked);
        Assert.Equal(expected, unkeyed.RaiseThreadPoolMinimumWhileBlocked);
    }

    [Fact]
    public void CredentialKitOptions_AwsSdkSetInCode_ReachesTheRegisteredCredentials()
    {
        _fixture.WithProfile("reports");
        using var services = _fixture.BuildProvider((s, configuration) =>
        {
            s.AddCredentialKit(configuration.GetSection("CredentialKit"));
            s.Configure<CredentialKitOptions>(o => o.AwsSdk.RaiseThreadPoolMinimumWhileBlocked = true);
        });

        var keyed = Assert.IsType<ProviderAwsCredentials>(services.GetRequiredKeyedService<AWSCredentials>("reports"));

        Assert.True(keyed.RaiseThreadPoolMinimumWhileBlocked);
    }

    [Fact]
    public async Task AwsSdkSection_NotABoolean_FailsStartNamingTheSettingAndWhatIsAllowed()
    {
        _fixture.WithProfile("reports")
            .Set("CredentialKit:AwsSdk:RaiseThreadPoolMinimumWhileBlocked", "sometimes")
            .Set("CredentialKit:WarmUpOnStart", "false");
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var message = Assert.Single(error.Failures);
        Assert.Contains("AwsSdk:RaiseThreadPoolMinimumWhileBlocked", message, StringComparison.Ordinal);
        Assert.Contains("true or false", message, StringComparison.Ordinal);
        Assert.Equal(0, _fixture.Sts.CallCount);
    }
}
