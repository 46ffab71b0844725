using Amazon.Runtime;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.AwsSdk;

public class InvalidateImmutableCredentialsTests
{
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task Invalidate_HeldSessionsSdkCredentials_DropsItAndTheNextCallFetchesOnce()
    {
        await using var provider = _fixture.Create();
        var rejected = await provider.ToAwsCredentials().GetCredentialsAsync();

        Assert.True(provider.Invalidate(rejected));
        var next = await provider.GetCredentialsAsync();

        Assert.NotEqual(rejected.AccessKey, next.AccessKeyId);
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task Invalidate_ManyCallersWithTheSameRejectedCredentials_CostOneRefresh()
    {
        await using var provider = _fixture.Create();
        var rejected = await provider.ToAwsCredentials().GetCredentialsAsync();

        var reported = Enumerable.Range(0, 20).Select(_ => provider.Invalidate(new ImmutableCredentials(rejected.AccessKey, rejected.SecretKey, rejected.Token))).ToList();
        var sessions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => provider.GetCredentialsAsync().AsTask()));

        Assert.True(reported[0]);
        Assert.All(reported.Skip(1), Assert.False);
        Assert.Single(sessions.Select(s => s.AccessKeyId).Distinct());
        Assert.Equal(2, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task Invalidate_CredentialsOfAnotherSession_KeepsTheHeldOne()
    {
        await using var provider = _fixture.Create();
        var held = await provider.GetCredentialsAsync();

        Assert.False(provider.Invalidate(new ImmutableCredentials("ASIAOTHERSESSION0001", "secret", "token")));

        Assert.Same(held, await provider.GetCredentialsAsync());
        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task Invalidate_BadArgumentsOrDisposed_Throw()
    {
        var provider = _fixture.Create();
        var credentials = new ImmutableCredentials("ASIAOTHERSESSION0001", "secret", "token");
        Assert.Throws<ArgumentNullException>(() => provider.Invalidate((ImmutableCredentials)null!));
        Assert.Throws<ArgumentNullException>(() => ((ICredentialProvider)null!).Invalidate(credentials));

        await provider.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => provider.Invalidate(credentials));
    }
}
