using System.Diagnostics;
using CredentialKit.IntegrationTests.Helpers;

namespace CredentialKit.IntegrationTests.Refresh;

/// <summary>
/// The one test in the suite on the real clock (issue #9): LocalSts on <see cref="TimeProvider.System"/> with 20-second
/// sessions, idle providers (a single hop, a two-hop chain and a <c>ForRole</c> handle on it) whose clock runs 15 s
/// behind STS's and whose timers fire early. About 30 s of real time. It asserts outcomes only, with wide margins, and
/// never how fast anything ran, so it holds on a loaded two-core machine.
/// </summary>
public sealed class RealClockTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan MinimumLifetime = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RunFor = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task IdleProviders_RealClockSkewedAndEarlyTimers_EveryHopRefreshesOnItsOwnAndStaysAboveMinimum()
    {
        var options = LocalStsOptions.CreateDemo();
        options.SessionLifetimeOverride = Lifetime;
        options.AddAccount(LocalStsHarness.WarehouseAccountId).AddRole("warehouse", LocalStsDemo.ReportsRoleArn);
        await using var server = await LocalStsServer.StartNewAsync(options, TimeProvider.System);

        // The providers' clock: 15 s behind STS's, timers up to 50 ms early or 20 ms late.
        var local = new AdversarialTimeProvider(TimeProvider.System)
        {
            Skew = TimeSpan.FromSeconds(-15),
            TimerError = AdversarialTimeProvider.RandomError(new Random(9), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(20)),
        };
        var cacheOptions = new SessionCacheOptions { TimeProvider = local };
        CredentialKitProfileOptions Profile(params AssumeRoleOptions[] roles)
        {
            var profile = LocalStsHarness.DemoProfile(server, roles);
            profile.Refresh.RefreshAhead = TimeSpan.FromSeconds(10);
            profile.Refresh.MinimumLifetime = MinimumLifetime;
            return profile;
        }

        var single = CredentialProvider.Create(Profile(LocalStsHarness.Hub()), cacheOptions, "single");
        var chain = CredentialProvider.Create(Profile(LocalStsHarness.Hub(), LocalStsHarness.Reports()), cacheOptions, "chain");
        var tenant = chain.ForRole(LocalStsHarness.Warehouse());
        ICredentialProvider[] providers = [single, chain, tenant];
        var sessions = new[]
        {
            ((ChainedCredentialProvider)single).Session,
            ((ChainedCredentialProvider)chain).Chain[1],
            ((ChainedCredentialProvider)chain).Session,
            ((ChainedCredentialProvider)tenant).Session,
        };
        try
        {
            foreach (var provider in providers)
            {
                await provider.GetCredentialsAsync();
            }

            // From here on nobody asks for credentials: only status reads, sampled every 250 ms (a cadence, not a wait
            // for something to happen).
            var worstTrueLifetime = TimeSpan.MaxValue;
            var badStates = new List<string>();
            var started = Stopwatch.GetTimestamp();
            using var sampling = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
            while (Stopwatch.GetElapsedTime(started) < RunFor && await sampling.WaitForNextTickAsync())
            {
                foreach (var session in sessions)
                {
                    var status = session.GetStatus();
                    if (status.State != CredentialProviderState.Fresh)
                    {
                        badStates.Add($"{session.RoleArn} ({session.ProfileName}): {status.State} at {Stopwatch.GetElapsedTime(started)}");
                    }

                    var trueLeft = session.CurrentCredentials!.Expiration - TimeProvider.System.GetUtcNow();
                    worstTrueLifetime = trueLeft < worstTrueLifetime ? trueLeft : worstTrueLifetime;
                }
            }

            Assert.Empty(badStates);

            // LocalSts writes Expiration in whole seconds, so true lifetimes read up to 1 s short; the minimum is 2 s.
            Assert.True(worstTrueLifetime >= MinimumLifetime - TimeSpan.FromSeconds(1), $"least true lifetime seen: {worstTrueLifetime}");

            // Every hop refreshed on its own, idle: 20 s sessions refreshed 10–14 s after issue give at least one
            // background refresh each in 30 s (two on a quiet machine); never more than one per 10 s per hop.
            var requests = server.Journal.Snapshot().Where(e => e.Operation == LocalStsHarness.AssumeRole).ToList();
            foreach (var session in sessions)
            {
                Assert.InRange(session.GetStatus().RefreshCount, 2, 1 + (int)(RunFor / TimeSpan.FromSeconds(10)) + 1);
            }

            Assert.Equal(sessions.Sum(s => s.GetStatus().RefreshCount), requests.Count);
            Assert.All(requests, e => Assert.Equal(LocalStsJournal.SuccessOutcome, e.Outcome));
            Assert.All(sessions, s => Assert.InRange(s.GetStatus().ClockSkew!.Value.TotalSeconds, 13, 17));
        }
        finally
        {
            await tenant.DisposeAsync();
            await chain.DisposeAsync();
            await single.DisposeAsync();
        }

        Assert.Equal(0, local.ArmedTimerCount);
    }
}
