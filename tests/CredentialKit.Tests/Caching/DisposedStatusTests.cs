using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Caching;

/// <summary>Issue #10: <c>GetStatus()</c> after disposal says the provider was disposed, not <c>NoCredentials</c>.</summary>
public class DisposedStatusTests
{
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task GetStatus_DisposedProvider_IsDisposedAndShowsNoSession()
    {
        var provider = _fixture.Create();
        await provider.GetCredentialsAsync();

        provider.Dispose();
        var status = provider.GetStatus();

        Assert.Equal(CredentialProviderState.Disposed, status.State);
        Assert.Equal(ProviderFixture.HubArn, status.RoleArn);
        Assert.Null(status.Expiration);
        Assert.Null(status.RemainingLifetime);
        Assert.Null(status.MaskedAccessKeyId);
    }

    [Fact]
    public async Task GetStatus_DisposedForRoleHandle_IsDisposedWhileItsParentStaysFresh()
    {
        await using var provider = _fixture.Create();
        var tenant = provider.ForRole(new AssumeRoleOptions { RoleArn = "arn:aws:iam::123456789012:role/tenant" });
        await tenant.GetCredentialsAsync();

        await tenant.DisposeAsync();

        Assert.Equal(CredentialProviderState.Disposed, tenant.GetStatus().State);
        Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
    }

    [Fact]
    public async Task GetStatus_ProviderOverADisposedCache_IsDisposed()
    {
        var cache = new SessionCache(_fixture.CacheOptions());
        var provider = CredentialProvider.Create(ProviderFixture.Profile(), cache);
        await provider.GetCredentialsAsync();

        cache.Dispose();

        Assert.Equal(CredentialProviderState.Disposed, provider.GetStatus().State);
    }

    [Fact]
    public void GetStatus_NeverUsedProvider_IsStillNoCredentials()
    {
        using var provider = _fixture.Create();

        Assert.Equal(CredentialProviderState.NoCredentials, provider.GetStatus().State);
    }
}
