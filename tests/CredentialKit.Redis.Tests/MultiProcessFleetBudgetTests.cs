using CredentialKit.LocalSts;
using CredentialKit.Redis.Tests.Helpers;
using Xunit.Abstractions;

namespace CredentialKit.Redis.Tests;

/// <summary>
/// Issue #21 item 2 across real processes: eight fleet nodes warm 2,000 tenant roles between them at once, over one real
/// redis-server holding the fleet's STS budget of 50 calls per second, against one LocalSts that notes when each call
/// arrived. The only long test of the suite: 2,000 calls at 50 per second take 40 s by design.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class MultiProcessFleetBudgetTests(ITestOutputHelper output)
{
    private const int Nodes = 8;
    private const int Tenants = 2_000;
    private const int FleetBudget = 50;

    /// <summary>The tenants' account; the fleet node names its tenant roles in it (FleetNodeArguments.TenantAccountId).</summary>
    private const string TenantAccountId = "555566667777";

    [Fact]
    public async Task EightProcesses_Warm2000Tenants_FleetBudgetBoundsTheRateAtSts()
    {
        var options = LocalStsOptions.CreateDemo();
        options.JournalCapacity = 10_000;
        var tenants = options.AddAccount(TenantAccountId);
        for (var i = 0; i < Tenants; i++)
        {
            tenants.AddRole($"tenant-{i}", LocalStsDemo.HubRoleArn);
        }

        await using var sts = await LocalStsServer.StartNewAsync(options);
        await using var redis = await RedisServer.StartAsync();
        var keyRing = Directory.CreateTempSubdirectory("credentialkit-fleet-keys-");
        var prefix = Sessions.NewPrefix();
        var nodes = new List<FleetProcess>();
        try
        {
            // Each node warms its own slice, all at once: each process's local pacing (100/s) alone would allow 800/s.
            // Burst 1: the bucket spaces calls 1/50 s apart, so no second holds more than 50 however the calls bunch up.
            var perNode = Tenants / Nodes;
            for (var n = 0; n < Nodes; n++)
            {
                nodes.Add(FleetProcess.Start(
                    "--sts", sts.Endpoint.ToString(), "--redis", redis.Configuration, "--key-ring", keyRing.FullName, "--prefix", prefix,
                    "--tenants", perNode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--first-tenant", (n * perNode).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--fleet-rps", FleetBudget.ToString(System.Globalization.CultureInfo.InvariantCulture), "--fleet-burst", "1",
                    "--store-timeout", "5"));
            }

            var exitCodes = await Task.WhenAll(nodes.Select(n => n.WaitForExitAsync(TimeSpan.FromMinutes(4))));
            var report = string.Join("\n---\n", nodes.Select(n => n.Output));
            Assert.All(Enumerable.Range(0, Nodes), i => Assert.True(exitCodes[i] == 0, $"node {i} exited {exitCodes[i]}:\n{nodes[i].Output}"));

            var arrivals = sts.Journal.Snapshot()
                .Where(e => e.Operation == "AssumeRole" && e.Parameters.TryGetValue("RoleArn", out var arn) && arn.Contains(":role/tenant-", StringComparison.Ordinal))
                .Select(e => e.Timestamp)
                .Order()
                .ToList();
            Assert.True(arrivals.Count >= Tenants, $"{arrivals.Count} tenant AssumeRole calls, expected at least {Tenants}\n{report}");

            // The busiest one-second window, sliding over every arrival: [t, t + 1 s).
            int busiest = 0, start = 0;
            for (var end = 0; end < arrivals.Count; end++)
            {
                while (arrivals[end] - arrivals[start] >= TimeSpan.FromSeconds(1))
                {
                    start++;
                }

                busiest = Math.Max(busiest, end - start + 1);
            }

            output.WriteLine($"{arrivals.Count} tenant calls over {arrivals[^1] - arrivals[0]}; busiest second {busiest}; load {File.ReadAllText("/proc/loadavg").Trim()}");
            var fallbacks = nodes.Sum(n => n.Summary?.GetProperty("budgetFallbacks").GetInt64() ?? 0);
            output.WriteLine($"budget fallbacks to local pacing: {fallbacks}");
            Assert.True(fallbacks == 0, $"{fallbacks} fallbacks to local pacing (Redis did not answer in time)\n{report}");
            // The bucket grants one permit per 1/50 s (burst 1) for the whole fleet, so over the warm-up the calls average
            // at most the budget. A call's trip from its grant to STS's handler varies with scheduling: on a machine far
            // beyond its cores, calls granted over a longer span can land within one second. That bunching is bounded
            // here at twice the budget, far under the 800/s that eight processes' own pacing allows.
            var span = (arrivals[^1] - arrivals[0]).TotalSeconds;
            Assert.True(arrivals.Count <= (FleetBudget * span) + FleetBudget, $"{arrivals.Count} calls over {span:0.0} s against a fleet budget of {FleetBudget}/s");
            Assert.True(busiest <= 2 * FleetBudget, $"{busiest} calls in one second against a fleet budget of {FleetBudget}");
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
