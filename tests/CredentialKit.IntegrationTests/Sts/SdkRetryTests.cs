using CredentialKit.IntegrationTests.Helpers;
using static CredentialKit.IntegrationTests.Helpers.LocalStsHarness;

namespace CredentialKit.IntegrationTests.Sts;

/// <summary>
/// Issue #9.4: under CredentialKit's pipeline the AWS SDK retries nothing, not even a dropped pooled connection, so
/// the attempts CredentialKit reports are the requests STS receives. Counted at the server (LocalSts's journal).
/// </summary>
public sealed class SdkRetryTests
{
    private static readonly TimeSpan SafetyBound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(3, 4)]
    public async Task ConnectionsDropped_EachAttemptIsExactlyOneRequestAtTheServer(int maxRetryAttempts, int requests)
    {
        await using var h = await StartAsync();
        var options = h.Profile(Hub());
        options.Refresh.MaxRetryAttempts = maxRetryAttempts;
        var provider = h.CreateProvider(options);
        h.Server.Faults.StartOutage(LocalStsFault.AbortConnection(), AssumeRole);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask().WaitAsync(SafetyBound));

        Assert.Equal(requests, error.Attempts);
        Assert.Equal(requests, h.AssumeRoleRequests().Count);
        Assert.All(h.AssumeRoleRequests(), e => Assert.Equal("ConnectionAborted", e.Outcome));
    }

    [Fact]
    public void CreateConfig_TurnsOffEverySdkRetry()
    {
        var config = StsClientFactory.CreateConfig(new StsOptions { Region = "eu-west-1" });

        Assert.Equal(0, config.MaxErrorRetry);
        Assert.Equal(0, config.MaxStaleConnectionRetries);
        Assert.NotNull(config.HttpClientFactory);
    }
}
