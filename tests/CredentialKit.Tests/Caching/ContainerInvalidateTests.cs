using CredentialKit.Tests.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialKit.Tests.Caching;

/// <summary>The container's provider (a reloadable wrapper) forwards <c>Invalidate(rejected)</c> and reports disposal.</summary>
public class ContainerInvalidateTests
{
    private readonly DependencyInjectionFixture _fixture = new();

    [Fact]
    public async Task InvalidateRejected_ThroughTheContainersProvider_DropsOnlyTheCurrentSession()
    {
        _fixture.WithProfile("reports");
        await using var services = _fixture.BuildProvider();
        var provider = services.GetRequiredKeyedService<ICredentialProvider>("reports");
        var first = await provider.GetCredentialsAsync();
        _fixture.Time.Advance(TimeSpan.FromMinutes(5));

        provider.Invalidate(first);
        var second = await provider.GetCredentialsAsync();
        _fixture.Time.Advance(TimeSpan.FromMinutes(5));
        provider.Invalidate(first); // already replaced
        var third = await provider.GetCredentialsAsync();

        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        Assert.Same(second, third);
        Assert.Equal(2, _fixture.Sts.CallCount);
        Assert.Throws<ArgumentNullException>(() => provider.Invalidate(null!));
    }

    [Fact]
    public async Task ContainerDisposed_ProviderStatusIsDisposed_AndInvalidateThrows()
    {
        _fixture.WithProfile("reports");
        var services = _fixture.BuildProvider();
        var provider = services.GetRequiredKeyedService<ICredentialProvider>("reports");
        var first = await provider.GetCredentialsAsync();

        await services.DisposeAsync();

        Assert.Equal(CredentialProviderState.Disposed, provider.GetStatus().State);
        Assert.Throws<ObjectDisposedException>(() => provider.Invalidate(first));
    }
}
