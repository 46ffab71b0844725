using Amazon.Runtime;
using Amazon.SecurityToken;
using CredentialKit.Tests.Helpers;
using NSubstitute;

namespace CredentialKit.Tests.Caching;

/// <summary>
/// Tenants of one hub share what they have in common (issue #14): one STS client per signer and endpoint, one Polly
/// pipeline per refresh settings, and the parent's chain context; each keeps only its own request and session.
/// </summary>
public class SharedStsClientsTests
{
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task ManyTenantsOfOneHub_OneStsClientAndOnePipelineForAll_EachCallSignedByTheHubSession()
    {
        var factory = new RecordingFactory(_fixture.Sts);
        using var cache = new SessionCache(WithFactory(factory));
        await using var hub = CredentialProvider.Create(ProviderFixture.Profile(), cache, "tenants");
        var hubSession = await hub.GetCredentialsAsync();
        var tenants = Enumerable.Range(0, 40).Select(i => hub.ForRole(Tenant(i))).ToList();
        foreach (var tenant in tenants)
        {
            await tenant.GetCredentialsAsync();
        }

        Assert.Equal(2, factory.Clients.Count); // the hub's (signed by the source keys) and the tenants' (by the hub's session)
        Assert.Equal(2, cache.StsClients.Count);
        Assert.Equal(1, cache.Context.Pipelines.Count);
        Assert.Equal(41, _fixture.Sts.CallCount);
        Assert.All(_fixture.Sts.Calls.Skip(1), call => Assert.Equal(hubSession.AccessKeyId, call.SignerAccessKeyId));
        Assert.All(tenants, t => Assert.Same(((ChainedCredentialProvider)hub).Hop.Chain, ((ChainedCredentialProvider)t).Hop.Chain));
        foreach (var tenant in tenants)
        {
            await tenant.DisposeAsync();
        }
    }

    [Fact]
    public async Task TenantsWithTagsOfTheirOwn_StillShareTheClient_ButNotTheChainContext()
    {
        var factory = new RecordingFactory(_fixture.Sts);
        using var cache = new SessionCache(WithFactory(factory));
        await using var hub = CredentialProvider.Create(ProviderFixture.Profile(), cache, "tags");
        var tagged = Tenant(1);
        tagged.Tags["tenant"] = "one";
        tagged.TransitiveTagKeys.Add("tenant");
        await using var first = hub.ForRole(tagged);
        await using var second = hub.ForRole(Tenant(2));
        await first.GetCredentialsAsync();
        await second.GetCredentialsAsync();

        Assert.Equal(2, factory.Clients.Count);
        Assert.Contains("tenant", ((ChainedCredentialProvider)first).Hop.Chain.TransitiveTagKeys);
        Assert.NotSame(((ChainedCredentialProvider)hub).Hop.Chain, ((ChainedCredentialProvider)first).Hop.Chain);
    }

    [Fact]
    public async Task LastSessionOfASigner_LeavesTheCache_DisposesItsClient_WhileTheHubsStays()
    {
        var factory = new RecordingFactory(_fixture.Sts);
        using var cache = new SessionCache(WithFactory(factory));
        await using var hub = CredentialProvider.Create(ProviderFixture.Profile(), cache, "leases");
        await hub.GetCredentialsAsync();
        var tenants = Enumerable.Range(0, 3).Select(i => hub.ForRole(Tenant(i))).ToList();
        foreach (var tenant in tenants)
        {
            await tenant.GetCredentialsAsync();
            await tenant.DisposeAsync(); // unheld: waits in the idle pool, still renting the client
        }

        var tenantClient = factory.Clients[1];
        tenantClient.DidNotReceive().Dispose();
        var evicted = new CountdownEvent(3);
        cache.Evicted += (_, _) => evicted.Signal();

        cache.Compact(1.0);

        Assert.True(evicted.Wait(TimeSpan.FromSeconds(30)), "the idle pool did not retire the 3 tenant sessions");
        tenantClient.Received(1).Dispose();
        factory.Clients[0].DidNotReceive().Dispose();
        Assert.Equal(1, cache.StsClients.Count);

        // A new tenant rents a new client for the same signer.
        await using var again = hub.ForRole(Tenant(9));
        await again.GetCredentialsAsync();
        Assert.Equal(3, factory.Clients.Count);
    }

    [Fact]
    public async Task DisposingTheCache_DisposesEveryClientOnce()
    {
        var factory = new RecordingFactory(_fixture.Sts);
        var cache = new SessionCache(WithFactory(factory));
        var hub = CredentialProvider.Create(ProviderFixture.Profile(), cache, "dispose");
        await hub.GetCredentialsAsync();
        var tenant = hub.ForRole(Tenant(1));
        await tenant.GetCredentialsAsync();

        cache.Dispose();

        Assert.All(factory.Clients, client => client.Received(1).Dispose());
        Assert.Equal(0, cache.StsClients.Count);
        Assert.Throws<ObjectDisposedException>(() => cache.StsClients.Rent(HopSigner.Of("x", new AnonymousAWSCredentials()), new StsOptions(), cache));
    }

    [Fact]
    public async Task ProfilesWithDifferentEndpoints_DoNotShareAClient()
    {
        var factory = new RecordingFactory(_fixture.Sts);
        using var cache = new SessionCache(WithFactory(factory));
        var west = ProviderFixture.Profile();
        west.Sts.Region = "eu-west-1";
        var east = ProviderFixture.Profile();
        east.Sts.Region = "us-east-1";
        await using var first = CredentialProvider.Create(west, cache, "west");
        await using var second = CredentialProvider.Create(east, cache, "east");
        await first.GetCredentialsAsync();
        await second.GetCredentialsAsync();

        Assert.Equal(["eu-west-1", "us-east-1"], factory.Options.Select(o => o.Region).Order());
    }

    [Fact]
    public async Task RetriesThroughTheSharedPipeline_EachLogNamesItsOwnRole()
    {
        using var cache = new SessionCache(_fixture.CacheOptions());
        await using var hub = CredentialProvider.Create(ProviderFixture.Profile(), cache, "retries");
        await hub.GetCredentialsAsync();
        await using var first = hub.ForRole(Tenant(1));
        await using var second = hub.ForRole(Tenant(2));
        _fixture.Sts.EnqueueError("Throttling");
        await first.GetCredentialsAsync();
        _fixture.Sts.EnqueueError("Throttling");
        await second.GetCredentialsAsync();

        var retries = _fixture.Logs.WithEventId(7).Select(r => (string?)r["RoleArn"]).ToList();
        Assert.Equal([Tenant(1).RoleArn, Tenant(2).RoleArn], retries);
        Assert.Equal(1, cache.Context.Pipelines.Count);
    }

    private SessionCacheOptions WithFactory(IStsClientFactory factory)
    {
        var options = _fixture.CacheOptions();
        options.StsClientFactory = factory;
        return options;
    }

    private static AssumeRoleOptions Tenant(int i) => new() { RoleArn = $"arn:aws:iam::444455556666:role/tenant-{i}", RoleSessionName = "tenant" };

    /// <summary>Records every client it hands out (wrapping the stub's), so a test can check sharing and disposal.</summary>
    private sealed class RecordingFactory(StsStub inner) : IStsClientFactory
    {
        public List<IAmazonSecurityTokenService> Clients { get; } = [];

        public List<StsOptions> Options { get; } = [];

        public IAmazonSecurityTokenService CreateClient(AWSCredentials credentials, StsOptions options)
        {
            var client = inner.CreateClient(credentials, options);
            lock (Clients)
            {
                Clients.Add(client);
                Options.Add(options);
            }

            return client;
        }
    }
}
