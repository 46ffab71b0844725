using System.Collections.Concurrent;
using System.Diagnostics;
using CredentialKit.LocalSts;
using CredentialKit.Redis.Tests.Helpers;

namespace CredentialKit.Redis.Tests;

/// <summary>
/// The refresh span of a shared hop says how it got its session (<c>credentialkit.shared_store.outcome</c>), so traces
/// (and the fleet-redis bench's adoption latency) tell an adoption from an STS call.
/// </summary>
public sealed class SharedOutcomeSpanTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly LocalStsFleet _fleet = new(redis);
    private readonly string _profile = $"outcome-{Guid.NewGuid():N}"; // spans of tests running in parallel carry other names

    public Task InitializeAsync() => _fleet.StartAsync();

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

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
            var process = _fleet.Own(CredentialProvider.Create(Profile(), await _fleet.CreateCacheAsync(), _profile));
            await process.GetCredentialsAsync();
        }

        Assert.Equal(["fetched_and_shared", "adopted"], outcomes);
        Assert.Equal(1, _fleet.Sts.Journal.Count("AssumeRole"));
    }

    private CredentialKitProfileOptions Profile() =>
        _fleet.Profile(new AssumeRoleOptions { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "outcome-span" });
}
