using Amazon.Runtime;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.AwsSdk;

public class ProviderAwsCredentialsTests
{
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task GetCredentialsAsync_ReturnsTheProvidersSession()
    {
        await using var provider = _fixture.Create();
        AWSCredentials credentials = provider.ToAwsCredentials();

        var immutable = await credentials.GetCredentialsAsync();
        var session = await provider.GetCredentialsAsync();

        Assert.Equal(session.AccessKeyId, immutable.AccessKey);
        Assert.Equal(session.SecretAccessKey, immutable.SecretKey);
        Assert.Equal(session.SessionToken, immutable.Token);
        Assert.True(immutable.UseToken);
    }

    [Fact]
    public async Task GetCredentials_Sync_OnCachedSession_ReturnsWithoutAnotherCall()
    {
        await using var provider = _fixture.Create();
        await provider.GetCredentialsAsync();
        var credentials = provider.ToAwsCredentials();

        var immutable = credentials.GetCredentials();

        Assert.StartsWith("ASIAHUB", immutable.AccessKey);
        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task GetCredentials_Sync_WithNoSession_FetchesOne()
    {
        await using var provider = _fixture.Create();
        var credentials = provider.ToAwsCredentials();

        var immutable = await Task.Run(credentials.GetCredentials);

        Assert.StartsWith("ASIAHUB", immutable.AccessKey);
    }

    [Fact]
    public async Task GetCredentialsAsync_CachedSession_ReturnsTheSameCompletedTaskWithoutAllocating()
    {
        await using var provider = _fixture.Create();
        var credentials = provider.ToAwsCredentials();
        var first = credentials.GetCredentialsAsync();
        await first;
        var second = credentials.GetCredentialsAsync();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            _ = credentials.GetCredentialsAsync();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Same(await first, await second);
    }

    [Fact]
    public async Task GetCredentialsAsync_Failure_SurfacesTheRefreshException()
    {
        await using var provider = _fixture.Create();
        _fixture.Sts.EnqueueError("AccessDenied", System.Net.HttpStatusCode.Forbidden);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.ToAwsCredentials().GetCredentialsAsync());

        Assert.Equal("AccessDenied", error.ErrorCode);
    }

    [Fact]
    public void ToAwsCredentials_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => CredentialProviderExtensions.ToAwsCredentials(null!));
    }
}
