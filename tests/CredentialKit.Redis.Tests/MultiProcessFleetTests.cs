using System.Globalization;
using CredentialKit.LocalSts;
using CredentialKit.Redis.Tests.Helpers;
using Xunit.Abstractions;

namespace CredentialKit.Redis.Tests;

/// <summary>
/// The whole protocol across real processes: six fleet nodes (each a two-hop chain, demo user → hub → reports) share one
/// LocalSts and one real redis-server over several refresh cycles of 12-second sessions, then Redis is killed mid-run.
/// </summary>
/// <remarks>
/// Real clock, so the assertions are outcomes, with wide margins: counts from LocalSts's journal, the spacing between
/// the STS calls for a role (a cycle is at least the session lifetime minus the refresh-ahead window), exit codes.
/// </remarks>
[Collection(MultiProcessCollection.Name)]
public sealed class MultiProcessFleetTests(ITestOutputHelper output)
{
    private const int Nodes = 6;
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan RefreshAhead = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan NodeDuration = TimeSpan.FromSeconds(40);

    /// <summary>The shortest possible cycle (lifetime minus the window), less a second for request and clock granularity.</summary>
    private static readonly TimeSpan ShortestCycle = SessionLifetime - RefreshAhead - TimeSpan.FromSeconds(1);

    private static readonly string[] Roles = [LocalStsDemo.HubRoleArn, LocalStsDemo.ReportsRoleArn];

    [Fact]
    public async Task SixProcesses_OneAssumeRolePerHopPerCycle_ThenRedisKilled_EveryProcessCallsStsAndNoCallerFails()
    {
        var options = LocalStsOptions.CreateDemo();
        options.SessionLifetimeOverride = SessionLifetime;
        await using var sts = await LocalStsServer.StartNewAsync(options);
        await using var redis = await RedisServer.StartAsync();
        var keyRing = Directory.CreateTempSubdirectory("credentialkit-fleet-keys-");
        var prefix = Sessions.NewPrefix();
        var nodes = new List<FleetProcess>();
        try
        {
            for (var i = 0; i < Nodes; i++)
            {
                nodes.Add(FleetProcess.StartNode(sts, redis, keyRing, prefix, NodeDuration, RefreshAhead));
            }

            await Task.WhenAll(nodes.Select(n => n.WhenReady)).WaitAsync(TimeSpan.FromSeconds(60));

            // Shared phase: the first issue and two refresh cycles of every hop, for the whole fleet.
            await Polling.UntilAsync(() => Task.FromResult(Roles.All(r => AssumeRoles(sts, r).Count >= 3) ? new object() : null),
                "two refresh cycles of both hops", TimeSpan.FromSeconds(60));
            await redis.KillAsync();
            var killedAt = TimeProvider.System.GetUtcNow(); // LocalSts's journal runs on the system clock too

            var exitCodes = await Task.WhenAll(nodes.Select(n => n.WaitForExitAsync(NodeDuration + TimeSpan.FromSeconds(60))));

            var report = string.Join("\n---\n", nodes.Select(n => n.Output));
            foreach (var role in Roles)
            {
                var calls = AssumeRoles(sts, role);
                var shared = calls.Where(c => c.Timestamp < killedAt).ToList();
                var standalone = calls.Where(c => c.Timestamp >= killedAt).ToList();
                output.WriteLine($"{role}: {shared.Count} AssumeRole calls with Redis (at {string.Join(", ", shared.Select(c => c.Timestamp.ToString("HH:mm:ss.f", CultureInfo.InvariantCulture)))}), {standalone.Count} after the kill");

                // Exactly one call per cycle for the fleet: consecutive calls for the role are a whole cycle apart.
                Assert.True(shared.Count >= 3, $"{role}: {shared.Count} calls before the kill\n{report}");
                for (var i = 1; i < shared.Count; i++)
                {
                    var gap = shared[i].Timestamp - shared[i - 1].Timestamp;
                    Assert.True(gap >= ShortestCycle, $"{role}: calls {i - 1} and {i} only {gap} apart (a second STS call in one cycle)\n{report}");
                }

                // Without Redis every process refreshes on its own: one call per process per cycle.
                Assert.True(standalone.Count >= Nodes, $"{role}: {standalone.Count} calls after the kill, expected at least {Nodes}\n{report}");
            }

            Assert.All(Enumerable.Range(0, Nodes), i =>
            {
                Assert.True(exitCodes[i] == 0, $"node {i} exited {exitCodes[i]}:\n{nodes[i].Output}");
                var summary = nodes[i].Summary ?? throw new InvalidOperationException($"node {i} printed no summary:\n{nodes[i].Output}");
                Assert.Equal(0, summary.GetProperty("failures").GetInt64());
                Assert.Equal(0, summary.GetProperty("belowMinimum").GetInt64());
                Assert.True(summary.GetProperty("calls").GetInt64() > 0);
            });
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            keyRing.Delete(recursive: true);
        }
    }

    private static List<LocalStsJournalEntry> AssumeRoles(LocalStsServer sts, string roleArn) =>
        [.. sts.Journal.Snapshot()
            .Where(e => e.Operation == "AssumeRole" && e.Succeeded && e.Parameters.TryGetValue("RoleArn", out var arn) && arn == roleArn)
            .OrderBy(e => e.Timestamp)];
}

/// <summary>
/// Runs the multi-process test alone, after the other test classes of this assembly: six .NET processes on a 2-core
/// machine are timing-sensitive (refresh cycles of a few seconds), and the other classes' LocalSts and Redis work running
/// beside them once made one of its timing margins flaky in CI.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiProcessCollection
{
    public const string Name = "Multi-process fleet (runs alone)";
}
