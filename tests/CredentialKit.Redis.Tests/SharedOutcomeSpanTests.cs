using System.Collections.Concurrent;
using System.Diagnostics;
using CredentialKit.LocalSts;
using CredentialKit.Redis.Tests.Helpers;
using Microsoft.AspNetCore.DataProtection;

namespace CredentialKit.Redis.Tests;

/// <summary>
/// The refresh span of a shared hop says how it got its session (<c>credentialkit.shared_store.outcome</c>), so traces
/// (and the fleet-redis bench's adoption latency) tell an adoption from an STS call.
/// </summary>
public sealed class SharedOutcomeSpanTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly IDataProtectionProvider _keyRing = new EphemeralDataProtectionProvider();
    private readonly string _prefix = Sessions.NewPrefix();
    private readonly string _profile = $"outcome-{Guid.NewGuid():N}"; // spans of tests running in parallel carry other names
    private readonly List<IAsyncDisposable> _owned = [];
    private LocalStsServer _sts = null!;

    public async Task InitializeAsync() => _sts = await LocalStsServer.StartNewAsync(LocalStsOptions.CreateDemo());

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await _sts.DisposeAsync();
    }

    [Fact]
    public async Task RefreshSpan_FirstProcessFetchesAndShares_SecondAdopts()
    {
        var outcomes = new ConcurrentQueue<string?>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "CredentialKit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "CredentialKit.Refresh" && Equals(activity.GetTagItem("credentialkit.profile"), _profile))
                {
                    outcomes.Enqueue(activity.GetTagItem(SharedSessionFetcher.SharedOutcomeTag) as string);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        foreach (var _ in Enumerable.Range(0, 2))
        {
            var process = CredentialProvider.Create(Profile(), await CreateCacheAsync(), _profile);
            _owned.Add(process);
            await process.GetCredentialsAsync();
        }

        Assert.Equal(["fetched_and_shared", "adopted"], outcomes);
        Assert.Equal(1, _sts.Journal.Count("AssumeRole"));
    }

    private CredentialKitProfileOptions Profile()
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = LocalStsDemo.AccessKeyId;
        options.Source.SecretAccessKey = LocalStsDemo.SecretAccessKey;
        options.Sts.ServiceUrl = _sts.Endpoint.ToString();
        options.Sts.AuthenticationRegion = "us-east-1";
        options.Roles.Add(new AssumeRoleOptions { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "outcome-span" });
        return options;
    }

    private async Task<SessionCache> CreateCacheAsync()
    {
        var store = new RedisSharedSessionStore(new RedisSharedSessionStoreOptions
        {
            ConnectionMultiplexer = await redis.ConnectAsync(),
            DataProtectionProvider = _keyRing,
            KeyPrefix = _prefix,
        });
        var cache = new SessionCache(new SessionCacheOptions { SharedStore = store });
        _owned.Add(store);
        _owned.Add(cache);
        return cache;
    }
}
