using CredentialKit.LocalSts;
using CredentialKit.Redis.Tests.Helpers;
using Microsoft.AspNetCore.DataProtection;

namespace CredentialKit.Redis.Tests;

/// <summary>
/// Processes sharing a session through Redis plan the same refresh moment for it (issue #11's fleet-model finding): the
/// jitter of a shared hop is drawn from its fleet key and the session's expiry, not from each process's random source, so
/// a fleet refreshes a role at one jittered moment instead of at the earliest of its processes' moments.
/// </summary>
public sealed class FleetJitterTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly IDataProtectionProvider _keyRing = new EphemeralDataProtectionProvider();
    private readonly string _prefix = Sessions.NewPrefix();
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
    public async Task ProcessesWithDifferentRandomSources_SharingASession_PlanTheSameRefreshMoment()
    {
        var moments = new List<DateTimeOffset>();
        foreach (var draw in new[] { 0.05, 0.5, 0.95 })
        {
            var process = CredentialProvider.Create(Profile(), await CreateCacheAsync(shared: true, draw), "jitter");
            _owned.Add(process);
            await process.GetCredentialsAsync();
            moments.Add(RefreshAt(process));
        }

        Assert.Equal(1, _sts.Journal.Count("AssumeRole")); // one issued, two adopted
        // The issuer plans on STS's clock (whole-second Date header), the adopters on the expiry: within two seconds, where
        // per-process draws of 0.05 and 0.95 over a 9-minute range would be 8 minutes apart.
        Assert.True(moments.Max() - moments.Min() < TimeSpan.FromSeconds(2), string.Join(", ", moments.Select(m => m.ToString("O"))));
    }

    [Fact]
    public async Task WithoutAStore_EachProcessDrawsItsOwnMoment()
    {
        var low = CredentialProvider.Create(Profile(), await CreateCacheAsync(shared: false, 0.05), "jitter");
        var high = CredentialProvider.Create(Profile(), await CreateCacheAsync(shared: false, 0.95), "jitter");
        _owned.Add(low);
        _owned.Add(high);
        await low.GetCredentialsAsync();
        await high.GetCredentialsAsync();

        // 0.9 of the 9-minute jitter range apart, give or take the second of the two calls.
        Assert.InRange(RefreshAt(high) - RefreshAt(low), TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(8.2));
    }

    [Fact]
    public void Draw_IsStableUniformAndDependsOnTheHopAndTheExpiry()
    {
        var expiry = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(FleetJitter.Draw("ckf1:hop", expiry), FleetJitter.Draw("ckf1:hop", expiry));
        Assert.NotEqual(FleetJitter.Draw("ckf1:hop", expiry), FleetJitter.Draw("ckf1:other", expiry));
        Assert.NotEqual(FleetJitter.Draw("ckf1:hop", expiry), FleetJitter.Draw("ckf1:hop", expiry.AddHours(1)));
        var draws = Enumerable.Range(0, 10_000).Select(i => FleetJitter.Draw($"ckf1:role-{i}", expiry)).ToList();
        Assert.All(draws, d => Assert.InRange(d, 0.0, 0.9999999999));
        Assert.InRange(draws.Average(), 0.48, 0.52);
        Assert.InRange(draws.Count(d => d < 0.1), 900, 1100); // no clumping at the start of the range
    }

    private static DateTimeOffset RefreshAt(ICredentialProvider provider) =>
        ((ChainedCredentialProvider)provider).Session.Snapshot?.RefreshAt ?? throw new InvalidOperationException("no session");

    private CredentialKitProfileOptions Profile()
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = LocalStsDemo.AccessKeyId;
        options.Source.SecretAccessKey = LocalStsDemo.SecretAccessKey;
        options.Sts.ServiceUrl = _sts.Endpoint.ToString();
        options.Sts.AuthenticationRegion = "us-east-1";
        options.Roles.Add(new AssumeRoleOptions { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "fleet-jitter" });
        options.Refresh.RefreshAhead = TimeSpan.FromMinutes(10);
        options.Refresh.JitterFraction = 1;
        return options;
    }

    private async Task<SessionCache> CreateCacheAsync(bool shared, double draw)
    {
        var options = new SessionCacheOptions { Random = () => draw };
        if (shared)
        {
            var store = new RedisSharedSessionStore(new RedisSharedSessionStoreOptions
            {
                ConnectionMultiplexer = await redis.ConnectAsync(),
                DataProtectionProvider = _keyRing,
                KeyPrefix = _prefix,
            });
            _owned.Add(store);
            options.SharedStore = store;
        }

        var cache = new SessionCache(options);
        _owned.Add(cache);
        return cache;
    }
}
