using System.Globalization;
using CredentialKit.LocalSts;
using CredentialKit.Redis.Tests.Helpers;
using Xunit.Abstractions;

namespace CredentialKit.Redis.Tests;

/// <summary>
/// Issue #23.2 across real processes: four fleet nodes (each a two-hop chain) share one real redis-server and one LocalSts
/// whose clock is two minutes ahead of, or behind, the machine's. A node that adopts a session from the store never
/// called STS for it, yet must plan it on STS's clock: every node judges every read on STS's clock (<c>--sts-offset</c>).
/// </summary>
/// <remarks>
/// Before the fix, with STS ahead, adopters read <c>Expiration</c> on their own clock and handed out expired sessions;
/// with STS behind, the writer's TTL (<c>Expiration</c> minus its own clock) was negative, so nothing was shared and every
/// process called STS itself after waiting for a lease holder. Real clock: outcomes only, with wide margins.
/// </remarks>
[Collection(MultiProcessCollection.Name)]
public sealed class MultiProcessClockSkewTests(ITestOutputHelper output)
{
    private const int Nodes = 4;
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan RefreshAhead = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan NodeDuration = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ShortestCycle = SessionLifetime - RefreshAhead - TimeSpan.FromSeconds(1);
    private static readonly string[] Roles = [LocalStsDemo.HubRoleArn, LocalStsDemo.ReportsRoleArn];

    [Theory]
    [InlineData(120)]
    [InlineData(-120)]
    public async Task FourProcesses_StsClockTwoMinutesOff_NoReadBelowMinimumOnStsClock_OneCallPerHopPerCycle(int stsOffsetSeconds)
    {
        var options = LocalStsOptions.CreateDemo();
        options.SessionLifetimeOverride = SessionLifetime;
        await using var sts = await LocalStsServer.StartNewAsync(options);
        sts.ClockOffset = TimeSpan.FromSeconds(stsOffsetSeconds);
        await using var redis = await RedisServer.StartAsync();
        var keyRing = Directory.CreateTempSubdirectory("credentialkit-fleet-keys-");
        var prefix = Sessions.NewPrefix();
        var nodes = new List<FleetProcess>();
        try
        {
            for (var i = 0; i < Nodes; i++)
            {
                nodes.Add(FleetProcess.StartNode(sts, redis, keyRing, prefix, NodeDuration, RefreshAhead, "--sts-offset", stsOffsetSeconds.ToString(CultureInfo.InvariantCulture)));
            }

            await Task.WhenAll(nodes.Select(n => n.WhenReady)).WaitAsync(TimeSpan.FromSeconds(60));
            var exitCodes = await Task.WhenAll(nodes.Select(n => n.WaitForExitAsync(NodeDuration + TimeSpan.FromSeconds(60))));

            var report = string.Join("\n---\n", nodes.Select(n => n.Output));
            Assert.All(Enumerable.Range(0, Nodes), i =>
            {
                var summary = nodes[i].Summary ?? throw new InvalidOperationException($"node {i} printed no summary:\n{nodes[i].Output}");
                Assert.True(summary.GetProperty("belowMinimum").GetInt64() == 0, $"node {i}: reads below the minimum on STS's clock:\n{nodes[i].Output}");
                Assert.Equal(0, summary.GetProperty("failures").GetInt64());
                Assert.True(summary.GetProperty("calls").GetInt64() > 0);
                Assert.True(exitCodes[i] == 0, $"node {i} exited {exitCodes[i]}:\n{nodes[i].Output}");
            });

            foreach (var role in Roles)
            {
                var calls = sts.Journal.Snapshot()
                    .Where(e => e.Operation == "AssumeRole" && e.Succeeded && e.Parameters.TryGetValue("RoleArn", out var arn) && arn == role)
                    .OrderBy(e => e.Timestamp)
                    .ToList();
                output.WriteLine($"{role}: {calls.Count} AssumeRole calls at {string.Join(", ", calls.Select(c => c.Timestamp.ToString("HH:mm:ss.f", CultureInfo.InvariantCulture)))}");

                // Shared: one call per cycle for the whole fleet, consecutive calls a whole cycle apart (not one per node).
                Assert.True(calls.Count >= 2, $"{role}: {calls.Count} calls\n{report}");
                for (var i = 1; i < calls.Count; i++)
                {
                    var gap = calls[i].Timestamp - calls[i - 1].Timestamp;
                    Assert.True(gap >= ShortestCycle, $"{role}: calls {i - 1} and {i} only {gap} apart (a second STS call in one cycle)\n{report}");
                }
            }
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
}
