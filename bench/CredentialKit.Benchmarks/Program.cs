using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;
using CredentialKit.Benchmarks.CacheAbuse;
using CredentialKit.Benchmarks.Contention;
using CredentialKit.Benchmarks.EndToEnd;
using CredentialKit.Benchmarks.Fallback;
using CredentialKit.Benchmarks.Fleet;
using CredentialKit.Benchmarks.FleetRedis;
using CredentialKit.Benchmarks.HotPath;
using CredentialKit.Benchmarks.Infrastructure;
using CredentialKit.Benchmarks.RealClock;
using CredentialKit.Benchmarks.Soak;
using CredentialKit.Benchmarks.Storm;
using CredentialKit.Benchmarks.SyncPath;
using CredentialKit.Benchmarks.Tenants;

namespace CredentialKit.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/CredentialKit.Benchmarks -- &lt;suite&gt; [options]</c> with suite
/// <c>hotpath|contention|storm|e2e|fleet|soak|syncpath|abuse|idle|tenants|all</c>. BenchmarkDotNet suites pass the remaining arguments to
/// <see cref="BenchmarkSwitcher"/> (<c>--filter</c>, …); the console suites take the options listed in <see cref="Usage"/>.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: dotnet run -c Release --project bench/CredentialKit.Benchmarks -- <suite> [options]
          hotpath | contention | e2e   BenchmarkDotNet suites; other arguments go to BenchmarkSwitcher (--filter '*Sdk*', ...)
          storm   [--callers 10000] [--rounds 5]
          fleet   [--processes 10000] [--hours 24] [--start-window-seconds 60] [--samples 100000] [--seed 1] [--jitter 0.5,0]
          fleet-redis [--processes 20] [--cycles 10] [--lifetime-seconds 20]   real processes, LocalSts, redis-server
          fleet-model [--processes 10000] [--roles 5000] [--seed 1]   peak AssumeRole rate with and without a shared store
          soak    [--cycles 1000000]
          syncpath [--threads 64] [--no-boost]   one cold synchronous storm per process
          abuse   [--tenants 3000] [--loop-seconds 10]   session cache and invalidation under abuse
          idle    [--hops 4] [--cycles 20] [--lifetime-seconds 8] [--skew-seconds 0]   real clock, idle providers
          tenants [--tenants 1000,10000,100000]   heap, ForRole, reads, gauges and paced warm-up per tenant count
          fallback [--refreshes 10]   real clock, black-holed primary: sticky regional fallback per refresh
          all     every suite with its defaults
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var suite = args[0].ToLowerInvariant();
        var rest = args[1..];
        PrintMachine();
        try
        {
            return suite switch
            {
                "hotpath" => RunBenchmarks<HotPathBenchmarks>(rest),
                "contention" => RunBenchmarks<ContentionBenchmarks>(rest),
                "e2e" => RunBenchmarks<EndToEndBenchmarks>(rest),
                "storm" => await RefreshStorm.RunAsync(Int(rest, "--callers", 10_000), Int(rest, "--rounds", 5)),
                "fleet" => await RunFleetAsync(rest),
                "fleet-redis" => await FleetRedisSuite.RunAsync(Int(rest, "--processes", 20), Int(rest, "--cycles", 10), Int(rest, "--lifetime-seconds", 20)),
                "fleet-model" => SharedFleetModel.Run(Int(rest, "--processes", 10_000), Int(rest, "--roles", 5_000), Int(rest, "--seed", 1)),
                "soak" => await SoakTest.RunAsync(Int(rest, "--cycles", 1_000_000)),
                "syncpath" => await ColdSyncPath.RunAsync(Int(rest, "--threads", 64), boost: !rest.Contains("--no-boost")),
                "abuse" => await CacheAbuseSuite.RunAsync(Int(rest, "--tenants", 3_000), Int(rest, "--loop-seconds", 10)),
                "idle" => await RealClockIdleRun.RunAsync(Int(rest, "--hops", 4), Int(rest, "--cycles", 20), Int(rest, "--lifetime-seconds", 8), Int(rest, "--skew-seconds", 0)),
                "tenants" => await TenantsSuite.RunAsync(Ints(rest, "--tenants", "1000,10000,100000")),
                "fallback" => await StickyFallbackRun.RunAsync(Int(rest, "--refreshes", 10)),
                "all" => await RunAllAsync(),
                _ => Fail($"unknown suite '{args[0]}'"),
            };
        }
        finally
        {
            await LocalStsEnvironment.DisposeSharedAsync();
        }
    }

    private static async Task<int> RunAllAsync()
    {
        var status = 0;
        status |= RunBenchmarks<HotPathBenchmarks>([]);
        status |= RunBenchmarks<ContentionBenchmarks>([]);
        status |= await RefreshStorm.RunAsync(10_000, 5);
        status |= RunBenchmarks<EndToEndBenchmarks>([]);
        status |= await RunFleetAsync([]);
        status |= await SoakTest.RunAsync(1_000_000);
        status |= await CacheAbuseSuite.RunAsync(3_000, 10);
        status |= await RealClockIdleRun.RunAsync(4, 20, 8, 0);
        status |= await TenantsSuite.RunAsync([1_000, 10_000, 100_000]);
        return status;
    }

    private static int RunBenchmarks<T>(string[] args)
    {
        var artifacts = Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts");
        var summaries = BenchmarkSwitcher.FromTypes([typeof(T)]).Run(args.Length == 0 ? ["--filter", "*"] : args, BenchConfig.Create(artifacts));
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    private static async Task<int> RunFleetAsync(string[] args)
    {
        var processes = Int(args, "--processes", 10_000);
        var hours = Int(args, "--hours", 24);
        var window = Int(args, "--start-window-seconds", 60);
        var samples = Int(args, "--samples", 100_000);
        var seed = Int(args, "--seed", 1);
        var jitters = Value(args, "--jitter", "0.5,0").Split(',').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture));
        Console.WriteLine($"## Fleet: {processes:N0} processes started within {window} s, {hours} simulated hours, 1-hour sessions, default refresh settings");
        Console.WriteLine();
        var results = new List<FleetResult>();
        foreach (var jitter in jitters)
        {
            var result = await FleetSimulation.RunAsync(new FleetSettings(processes, TimeSpan.FromSeconds(window), TimeSpan.FromHours(hours), jitter, samples, seed));
            Console.WriteLine($"// jitter {jitter}: {result.StsCalls:N0} STS calls in {result.WallTime.TotalSeconds:0.0} s wall time");
            results.Add(result);
        }

        FleetSimulation.Print(results);
        return results.Any(r => r.BelowMinimumLifetime > 0) ? 1 : 0;
    }

    private static void PrintMachine() => Console.WriteLine(
        $"// {RuntimeInformation.OSDescription}, {RuntimeInformation.OSArchitecture}, {Environment.ProcessorCount} logical cores, " +
        $"{RuntimeInformation.FrameworkDescription}, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");

    private static string Value(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static int Int(string[] args, string name, int fallback) =>
        int.Parse(Value(args, name, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);

    private static int[] Ints(string[] args, string name, string fallback) =>
        [.. Value(args, name, fallback).Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
