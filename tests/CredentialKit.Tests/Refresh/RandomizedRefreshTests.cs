using System.Net;
using CredentialKit.Tests.Helpers;
using Xunit.Abstractions;

namespace CredentialKit.Tests.Refresh;

/// <summary>
/// Thousands of refresh cycles on the adversarial clock, seeded: early and late timers, a skewed local clock, short
/// and long sessions, transient faults and idle stretches, over single hops, a chain and a <c>ForRole</c> handle.
/// Set <c>CREDENTIALKIT_SEED</c> to replay a failure; the seed is in every failure message.
/// </summary>
public class RandomizedRefreshTests(ITestOutputHelper output)
{
    private const int Scenarios = 24;

    private static readonly TimeSpan[] Lifetimes =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1)];

    [Fact]
    public async Task RandomizedCycles_HeldIdleSessionsStayAboveMinimumLifetime_OneCallPerCycle_NoTimerAfterDispose()
    {
        var masterSeed = TestSeed.Next(output);
        var master = new Random(masterSeed);
        var cycles = 0;
        for (var scenario = 0; scenario < Scenarios; scenario++)
        {
            var seed = master.Next();
            try
            {
                cycles += await RunScenarioAsync(seed);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException(
                    $"Scenario {scenario} failed (CREDENTIALKIT_SEED={masterSeed}, scenario seed {seed}): {e.Message}{Environment.NewLine}{e}");
            }
        }

        output.WriteLine($"{cycles} refresh cycles over {Scenarios} scenarios");
        Assert.True(cycles >= 2000, $"only {cycles} refresh cycles ran (CREDENTIALKIT_SEED={masterSeed})");
    }

    private static async Task<int> RunScenarioAsync(int seed)
    {
        var random = new Random(seed);
        var fixture = new AdversarialFixture { JitterSource = () => { lock (random) { return random.NextDouble(); } } };
        var lifetime = Lifetimes[random.Next(Lifetimes.Length)];
        var minimum = lifetime / 6;
        fixture.Sts.Lifetime = lifetime;
        fixture.Local.Skew = TimeSpan.FromSeconds((random.NextDouble() * 60) - 30);
        fixture.Local.TimerError = AdversarialTimeProvider.RandomError(new Random(seed + 1), early: lifetime / 10, late: lifetime / 40);
        var describe = $"lifetime {lifetime}, skew {fixture.Local.Skew.TotalSeconds:0.0} s";

        CredentialKitProfileOptions Options(params string[] roles)
        {
            var options = AdversarialFixture.Profile(roles);
            options.Refresh.MinimumLifetime = minimum;
            options.Refresh.JitterFraction = 0.5;
            options.Refresh.RefreshAhead = random.Next(2) == 0 ? null : lifetime / 3;
            return options;
        }

        var single = fixture.Create(Options(ProviderFixture.HubArn), "single");
        var chain = fixture.Create(Options(ProviderFixture.HubArn, ProviderFixture.ReportsArn), "chain");
        var tenant = chain.ForRole(new AssumeRoleOptions { RoleArn = ProviderFixture.BillingArn, RoleSessionName = "tenant" });
        ICredentialProvider[] held = [single, chain, tenant];
        foreach (var provider in held)
        {
            await provider.GetCredentialsAsync();
        }

        var sessions = held.Select(ProviderFixture.SessionOf)
            .Concat([ProviderFixture.ChainOf(chain)[1]])
            .Distinct()
            .ToArray();
        var injected = 0;
        var consumed = 0;
        var total = lifetime * 20;
        var elapsed = TimeSpan.Zero;
        while (elapsed < total)
        {
            var step = TimeSpan.FromTicks((long)(lifetime.Ticks * (0.005 + (random.NextDouble() * 0.015))));
            fixture.TrueTime.Advance(step);
            elapsed += step;
            await AdversarialFixture.SettleAsync(held);

            if (random.NextDouble() < 0.02 && Volatile.Read(ref consumed) == injected)
            {
                // A burst of up to three transient failures (never queued on top of another): one retry series
                // (3 retries) absorbs it, so the idle invariant must hold through it.
                var burst = random.Next(1, 4);
                for (var i = 0; i < burst; i++)
                {
                    injected++;
                    fixture.Sts.Enqueue((_, _) =>
                    {
                        Interlocked.Increment(ref consumed);
                        return Task.FromException<Amazon.SecurityToken.Model.AssumeRoleResponse>(
                            StsStub.Error("ServiceUnavailable", HttpStatusCode.ServiceUnavailable));
                    });
                }
            }

            if (random.NextDouble() < 0.05)
            {
                var reader = held[random.Next(held.Length)];
                var credentials = await reader.GetCredentialsAsync();
                var left = credentials.Expiration - fixture.TrueTime.GetUtcNow();
                Assert.True(left >= minimum, $"{describe}: a read at {elapsed} got {left} left in true time");
            }

            await AdversarialFixture.SettleAsync(held);
            foreach (var session in sessions)
            {
                // The invariant that matters to an idle service: what it holds is never below the minimum in true time.
                var left = session.CurrentCredentials!.Expiration - fixture.TrueTime.GetUtcNow();
                Assert.True(left >= minimum, $"{describe}: {session.RoleArn} ({session.ProfileName}) held {left} in true time at {elapsed}; true now {fixture.TrueTime.GetUtcNow():O}, expiration {session.CurrentCredentials!.Expiration:O}; {session.DescribeSchedule()}");
            }
        }

        // One STS call per refresh cycle and hop: every successful call installed a session, and no hop refreshed
        // more often than once per half lifetime (the earliest refresh moment), give or take the skew measurement.
        var refreshes = sessions.Sum(s => s.GetStatus().RefreshCount);
        Assert.Equal(fixture.Sts.CallCount - Volatile.Read(ref consumed), refreshes);
        var cycleBound = (int)(total / (lifetime / 2)) + 2;
        foreach (var session in sessions)
        {
            Assert.InRange(session.GetStatus().RefreshCount, total / lifetime, cycleBound);
        }

        await tenant.DisposeAsync();
        await chain.DisposeAsync();
        await single.DisposeAsync();
        Assert.True(fixture.Local.ArmedTimerCount == 0, $"{describe}: {fixture.Local.ArmedTimerCount} timer(s) armed after disposal");
        return (int)refreshes;
    }
}
