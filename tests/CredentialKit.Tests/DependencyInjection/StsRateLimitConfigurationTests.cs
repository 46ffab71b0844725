using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.DependencyInjection;

public class StsRateLimitConfigurationTests
{
    private readonly DependencyInjectionFixture _fixture = new();

    [Fact]
    public void SessionCacheSection_RateLimitKeys_ReachTheSharedCache()
    {
        _fixture.WithProfile("reports")
            .Set("CredentialKit:SessionCache:StsRequestsPerSecond", "40")
            .Set("CredentialKit:SessionCache:StsRequestBurst", "5");
        using var services = _fixture.BuildProvider();

        var limiter = services.GetRequiredService<SessionCache>().StsRateLimiter;

        Assert.NotNull(limiter);
        Assert.Equal(40, limiter.RequestsPerSecond);
        Assert.Equal(5, limiter.Burst);
    }

    [Fact]
    public void SessionCacheSection_NoRateLimitKeys_UsesTheDocumentedDefault()
    {
        _fixture.WithProfile("reports");
        using var services = _fixture.BuildProvider();

        var limiter = services.GetRequiredService<SessionCache>().StsRateLimiter;

        Assert.Equal(100, limiter!.RequestsPerSecond);
        Assert.Equal(10, limiter.Burst);
    }

    [Theory]
    [InlineData("StsRequestsPerSecond", "-5", "is -5", "from 0 (no limit) to 10000")]
    [InlineData("StsRequestsPerSecond", "20000", "is 20000", "from 0 (no limit) to 10000")]
    [InlineData("StsRequestBurst", "0", "is 0", "from 1 to 10000")]
    [InlineData("StsRequestBurst", "many", "many", "a whole number of STS calls from 1 to 10000")]
    [InlineData("FleetStsRequestsPerSecond", "-1", "is -1", "from 0 (no fleet budget) to 10000")]
    [InlineData("FleetStsRequestsPerSecond", "fast", "fast", "a whole number of STS calls per second for the whole fleet from 0 (no fleet budget) to 10000")]
    [InlineData("FleetStsRequestBurst", "0", "is 0", "from 1 to 10000")]
    public async Task SessionCacheSection_BadRateLimit_FailsStartNamingTheSettingAndRange(string key, string value, string problem, string allowed)
    {
        _fixture.WithProfile("reports").Set($"CredentialKit:SessionCache:{key}", value).Set("CredentialKit:WarmUpOnStart", "false");
        using var host = _fixture.BuildHost();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var message = Assert.Single(error.Failures);
        Assert.Contains($"SessionCache:{key}", message, StringComparison.Ordinal);
        Assert.Contains(problem, message, StringComparison.Ordinal);
        Assert.Contains(allowed, message, StringComparison.Ordinal);
        Assert.Equal(0, _fixture.Sts.CallCount);
    }
}
