using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CredentialKit.LocalSts;

namespace CredentialKit.Benchmarks.FleetRedis;

/// <summary>
/// Suite <c>fleet-redis</c>: N real processes (<c>tests/CredentialKit.Redis.FleetNode</c>, three hops each: hub → reports
/// → warehouse) against one LocalSts with short sessions, run once without a store, once with a real redis-server
/// (killed two thirds into the run). Reports STS calls per hop per cycle, refresh latency (an adoption from Redis against
/// an STS call), and what the outage cost. Needs <c>redis-server</c> on the PATH and the FleetNode built in Release.
/// </summary>
internal static class FleetRedisSuite
{
    private const string WarehouseRoleArn = "arn:aws:iam::777788889999:role/warehouse";
    private static readonly string[] Roles = [LocalStsDemo.HubRoleArn, LocalStsDemo.ReportsRoleArn, WarehouseRoleArn];

    public static async Task<int> RunAsync(int processes, int cycles, int lifetimeSeconds)
    {
        var lifetime = TimeSpan.FromSeconds(lifetimeSeconds);
        var ahead = lifetime / 2;
        // A cycle lasts from (lifetime - ahead) to that plus the jitter spread; the nodes run for the requested cycles.
        var duration = TimeSpan.FromSeconds((lifetime - ahead).TotalSeconds * 1.2 * cycles);
        Console.WriteLine($"## fleet-redis: {processes} processes x 3 hops, {lifetimeSeconds} s LocalSts sessions, refresh-ahead {ahead.TotalSeconds} s, {duration.TotalSeconds:0} s per run");
        var without = await RunOnceAsync(processes, lifetime, ahead, duration, redis: false, kill: false);
        var with = await RunOnceAsync(processes, lifetime, ahead, duration, redis: true, kill: false);
        var outage = await RunOnceAsync(processes, lifetime, ahead, duration, redis: true, kill: true);

        Console.WriteLine();
        Console.WriteLine("| run | hop | AssumeRole calls | cycles (median refreshes of a node) | calls per hop per cycle |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (var (name, run) in new[] { ("no store", without), ("Redis", with) })
        {
            foreach (var role in Roles)
            {
                var calls = run.Calls(role);
                Console.WriteLine($"| {name} | {role.Split('/')[^1]} | {calls} | {run.Cycles} | {(double)calls / Math.Max(1, run.Cycles):0.00} |");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Redis killed {outage.KilledAt:HH:mm:ss} (two thirds into the run):");
        foreach (var role in Roles)
        {
            Console.WriteLine($"  {role.Split('/')[^1]}: {outage.Calls(role, before: outage.KilledAt)} AssumeRole calls before the kill, {outage.Calls(role, after: outage.KilledAt)} after");
        }

        Console.WriteLine();
        Console.WriteLine($"refresh latency without store (every refresh an STS call): p50 {Percentile(without.RefreshMs, 0.5):0.0} ms, p99 {Percentile(without.RefreshMs, 0.99):0.0} ms, n={without.RefreshMs.Count}");
        Console.WriteLine($"refresh latency with Redis (mostly adoptions):              p50 {Percentile(with.RefreshMs, 0.5):0.0} ms, p99 {Percentile(with.RefreshMs, 0.99):0.0} ms, n={with.RefreshMs.Count}");
        Console.WriteLine($"  of which adoptions from Redis only:                      p50 {Percentile(with.AdoptionMs, 0.5):0.0} ms, p99 {Percentile(with.AdoptionMs, 0.99):0.0} ms, n={with.AdoptionMs.Count}");
        Console.WriteLine($"refresh latency in the outage run (store, then none):       p50 {Percentile(outage.RefreshMs, 0.5):0.0} ms, p99 {Percentile(outage.RefreshMs, 0.99):0.0} ms, n={outage.RefreshMs.Count}");
        Console.WriteLine($"failures: no store {without.Failures}, Redis {with.Failures}, outage {outage.Failures}; below minimum lifetime: {without.BelowMinimum + with.BelowMinimum + outage.BelowMinimum}; non-zero exits: {without.BadExits + with.BadExits + outage.BadExits}");
        return without.BadExits + with.BadExits + outage.BadExits == 0 ? 0 : 1;
    }

    private static async Task<Run> RunOnceAsync(int processes, TimeSpan lifetime, TimeSpan ahead, TimeSpan duration, bool redis, bool kill)
    {
        var options = LocalStsOptions.CreateDemo();
        options.SessionLifetimeOverride = lifetime;
        options.JournalCapacity = 1_000_000;
        options.AddAccount("777788889999").AddRole("warehouse", LocalStsDemo.ReportsRoleArn);
        await using var sts = await LocalStsServer.StartNewAsync(options);
        using var redisServer = redis ? StartRedis() : null;
        var keyRing = Directory.CreateTempSubdirectory("credentialkit-bench-keys-");
        var nodes = new List<(Process Process, Task<string> Output)>();
        DateTimeOffset? killedAt = null;
        try
        {
            for (var i = 0; i < processes; i++)
            {
                var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
                start.ArgumentList.Add(NodePath());
                foreach (var a in new[]
                {
                    "--sts", sts.Endpoint.ToString(), "--key-ring", keyRing.FullName, "--prefix", "bench:",
                    "--duration", duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--interval-ms", "100",
                    "--refresh-ahead", ahead.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--minimum-lifetime", "2",
                    "--store-timeout", "5", "--hops", "3",
                })
                {
                    start.ArgumentList.Add(a);
                }

                if (redisServer is not null)
                {
                    start.ArgumentList.Add("--redis");
                    start.ArgumentList.Add(redisServer.Configuration);
                }

                var process = Process.Start(start)!;
                nodes.Add((process, process.StandardOutput.ReadToEndAsync()));
            }

            if (redisServer is not null && kill)
            {
                await Task.Delay(duration * 2 / 3);
                redisServer.Kill();
                killedAt = TimeProvider.System.GetUtcNow();
            }

            var outputs = await Task.WhenAll(nodes.Select(n => n.Output));
            await Task.WhenAll(nodes.Select(n => n.Process.WaitForExitAsync()));
            var summaries = outputs.Select(o => o.Split('\n').LastOrDefault(l => l.StartsWith('{')) ?? "{}").Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
            return new Run(
                [.. sts.Journal.Snapshot().Where(e => e.Operation == "AssumeRole" && e.Succeeded)],
                summaries,
                killedAt,
                nodes.Count(n => n.Process.ExitCode != 0));
        }
        finally
        {
            foreach (var (process, _) in nodes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.Dispose();
            }

            keyRing.Delete(recursive: true);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }

    private static string NodePath()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "CredentialKit.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("Run from inside the repository.");
        }

        var path = Path.Combine(root, "tests", "CredentialKit.Redis.FleetNode", "bin", "Release", "net10.0", "CredentialKit.Redis.FleetNode.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build tests/CredentialKit.Redis.FleetNode in Release first.", path);
    }

    private static RedisProcess StartRedis()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        return new RedisProcess(process, $"127.0.0.1:{port},abortConnect=false,connectTimeout=2000");
    }

    private sealed record RedisProcess(Process Process, string Configuration) : IDisposable
    {
        public void Kill()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Kill();
            Process.Dispose();
        }
    }

    private sealed record Run(List<LocalStsJournalEntry> AssumeRoles, List<JsonElement> Summaries, DateTimeOffset? KilledAt, int BadExits)
    {
        public List<double> RefreshMs => Durations("refreshMilliseconds");

        /// <summary>The refreshes a node served by adopting another process's session (the span's shared-store outcome tag).</summary>
        public List<double> AdoptionMs => Durations("adoptionMilliseconds");

        private List<double> Durations(string property) => [.. Summaries.Where(s => s.TryGetProperty(property, out _))
            .SelectMany(s => s.GetProperty(property).EnumerateArray().Select(v => v.GetDouble()))];

        public long Failures => Summaries.Sum(s => s.TryGetProperty("failures", out var f) ? f.GetInt64() : 0);

        public long BelowMinimum => Summaries.Sum(s => s.TryGetProperty("belowMinimum", out var f) ? f.GetInt64() : 0);

        public int Calls(string role, DateTimeOffset? before = null, DateTimeOffset? after = null) => AssumeRoles.Count(e =>
            e.Parameters.TryGetValue("RoleArn", out var arn) && arn == role
            && (before is not { } b || e.Timestamp < b) && (after is not { } a || e.Timestamp >= a));

        /// <summary>Refresh cycles: the median, over the nodes, of the refreshes of the last hop (the first issue included).</summary>
        public long Cycles
        {
            get
            {
                var counts = Summaries.Where(s => s.TryGetProperty("refreshes", out _)).Select(s => s.GetProperty("refreshes").GetInt64()).Order().ToList();
                return counts.Count == 0 ? 0 : counts[counts.Count / 2];
            }
        }
    }
}
