using System.Diagnostics;
using CredentialKit.LocalSts;

namespace CredentialKit.Benchmarks.RealClock;

/// <summary>
/// Idle providers on the real clock (issue #9): LocalSts on <see cref="TimeProvider.System"/> with short sessions, N
/// single-hop providers plus a two-hop chain with a <c>ForRole</c> handle, nobody asking for credentials after the
/// first call. Runs until every hop has refreshed on its own at least <c>cycles</c> times, sampling every status
/// every 50 ms, and reports the least lifetime ever seen (on STS's clock) and the STS calls per refresh.
/// </summary>
internal static class RealClockIdleRun
{
    private static readonly TimeSpan MinimumLifetime = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(int singleHops, int cycles, int lifetimeSeconds, int skewSeconds)
    {
        var lifetime = TimeSpan.FromSeconds(lifetimeSeconds);
        var options = LocalStsOptions.CreateDemo();
        options.SessionLifetimeOverride = lifetime;
        options.AddAccount("777788889999").AddRole("warehouse", LocalStsDemo.ReportsRoleArn);
        await using var server = await LocalStsServer.StartNewAsync(options, TimeProvider.System);
        var clock = new SkewedClock(TimeSpan.FromSeconds(skewSeconds));
        var cacheOptions = new SessionCacheOptions { TimeProvider = clock };

        CredentialKitProfileOptions Profile(params AssumeRoleOptions[] roles)
        {
            var profile = new CredentialKitProfileOptions();
            profile.Source.Type = SourceCredentialsType.Static;
            profile.Source.AccessKeyId = LocalStsDemo.AccessKeyId;
            profile.Source.SecretAccessKey = LocalStsDemo.SecretAccessKey;
            profile.Sts.ServiceUrl = server.Endpoint.ToString();
            profile.Sts.AuthenticationRegion = "us-east-1";
            profile.Refresh.MinimumLifetime = MinimumLifetime; // RefreshAhead stays at its default
            foreach (var role in roles)
            {
                profile.Roles.Add(role);
            }

            return profile;
        }

        var hub = new AssumeRoleOptions { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "idle" };
        var reports = new AssumeRoleOptions { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "idle", ExternalId = LocalStsDemo.ReportsExternalId };
        var warehouse = new AssumeRoleOptions { RoleArn = "arn:aws:iam::777788889999:role/warehouse", RoleSessionName = "idle" };
        var providers = Enumerable.Range(0, singleHops)
            .Select(i => CredentialProvider.Create(Profile(new AssumeRoleOptions { RoleArn = hub.RoleArn, RoleSessionName = $"idle-{i}" }), cacheOptions, $"single-{i}"))
            .ToList();
        var chain = CredentialProvider.Create(Profile(hub, reports), cacheOptions, "chain");
        providers.Add(chain);
        providers.Add(chain.ForRole(warehouse));
        var sessions = providers.Select(p => ((ChainedCredentialProvider)p).Session)
            .Append(((ChainedCredentialProvider)chain).Chain[1])
            .Distinct()
            .ToList();

        Console.WriteLine($"## Real-clock idle run: {sessions.Count} hops ({singleHops} single, a 2-hop chain, a ForRole hop on it), " +
            $"{lifetimeSeconds} s sessions, MinimumLifetime {MinimumLifetime.TotalSeconds:0} s, clock skew {skewSeconds} s, until every hop refreshed {cycles} times");
        foreach (var provider in providers)
        {
            await provider.GetCredentialsAsync();
        }

        var started = Stopwatch.GetTimestamp();
        var leastTrue = TimeSpan.MaxValue;
        var leastLocal = TimeSpan.MaxValue;
        var notFresh = 0L;
        var samples = 0L;
        using var sampling = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var bound = lifetime * (cycles + 5);
        while (sessions.Any(s => s.GetStatus().RefreshCount < cycles + 1) && Stopwatch.GetElapsedTime(started) < bound)
        {
            await sampling.WaitForNextTickAsync();
            foreach (var session in sessions)
            {
                var status = session.GetStatus();
                samples++;
                notFresh += status.State == CredentialProviderState.Fresh ? 0 : 1;
                var trueLeft = session.CurrentCredentials!.Expiration - TimeProvider.System.GetUtcNow();
                leastTrue = trueLeft < leastTrue ? trueLeft : leastTrue;
                leastLocal = status.RemainingLifetime is { } left && left < leastLocal ? left : leastLocal;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var refreshes = sessions.Sum(s => s.GetStatus().RefreshCount);
        var calls = server.Journal.Snapshot().Count(e => e.Operation == "AssumeRole");
        var fewest = sessions.Min(s => s.GetStatus().RefreshCount) - 1;
        Console.WriteLine();
        Console.WriteLine("| Hops | Real time | Background refreshes per hop (fewest) | Status samples | Samples not Fresh | Least lifetime seen (STS clock) | Least lifetime reported | AssumeRole calls | Sessions issued |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {sessions.Count} | {elapsed.TotalSeconds:0.0} s | {fewest} | {samples:N0} | {notFresh} | {leastTrue.TotalSeconds:0.00} s | {leastLocal.TotalSeconds:0.00} s | {calls} | {refreshes} |");
        Console.WriteLine();
        Console.WriteLine("// LocalSts writes Expiration in whole seconds, so a lifetime on STS's clock reads up to 1 s short.");

        foreach (var provider in Enumerable.Reverse(providers))
        {
            await provider.DisposeAsync();
        }

        return fewest >= cycles && notFresh == 0 && calls == refreshes && leastTrue >= MinimumLifetime - TimeSpan.FromSeconds(1) ? 0 : 1;
    }

    /// <summary>The system clock read <c>skew</c> off, timers unchanged: a drifted VM against STS.</summary>
    private sealed class SkewedClock(TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + skew;

        public override long GetTimestamp() => System.GetTimestamp();

        public override long TimestampFrequency => System.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, dueTime, period);
    }
}
