using System.Diagnostics;
using Amazon.Runtime;
using CredentialKit.Benchmarks.Infrastructure;

namespace CredentialKit.Benchmarks.Storm;

/// <summary>
/// Suite 3: <c>--callers</c> concurrent callers (default 10,000) arrive at once at an expired session, against LocalSts
/// on loopback. Reports the STS calls each storm made (LocalSts journal) and the callers' latency distribution from
/// each caller's own arrival to its credentials.
/// </summary>
/// <remarks>
/// CredentialKit's session really expires: provider and server share a clock shifted two hours ahead between storms.
/// The SDK's <see cref="AssumeRoleAWSCredentials"/> reads a static clock that cannot be shifted, so its storms start from
/// <c>ClearCredentials()</c>, the SDK's own "drop the session" call, which takes the same path as an expired one.
/// </remarks>
internal static class RefreshStorm
{
    public static async Task<int> RunAsync(int callers, int rounds)
    {
        Console.WriteLine($"## Refresh storm: {callers:N0} concurrent callers at an expired session, {rounds} storms each (after 1 warm-up storm)");
        Console.WriteLine();

        var clock = new OffsetTimeProvider();
        await using var ckServer = await LocalStsEnvironment.StartAsync(clock);
        var shared = await LocalStsEnvironment.GetSharedAsync();
        using var provider = ckServer.CreateProvider(clock);
        var adapterProvider = ckServer.CreateProvider(clock);
        var adapter = adapterProvider.ToAwsCredentials();
        var sdk = LocalStsEnvironment.CreateSdkCredentials();

        var table = new MarkdownTable("Path", "STS calls per storm", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean ms", "storm ms (first arrival → last served)");
        var ok = true;
        ok &= await MeasureAsync("CredentialKit provider.GetCredentialsAsync()", callers, rounds, table, ckServer,
            prime: () => provider.GetCredentialsAsync().AsTask(),
            expire: () => clock.Shift(TimeSpan.FromHours(2)),
            call: () => provider.GetCredentialsAsync().AsTask());
        ok &= await MeasureAsync("CredentialKit ToAwsCredentials().GetCredentialsAsync()", callers, rounds, table, ckServer,
            prime: () => adapter.GetCredentialsAsync(),
            expire: () => clock.Shift(TimeSpan.FromHours(2)),
            call: () => adapter.GetCredentialsAsync());
        await MeasureAsync("SDK AssumeRoleAWSCredentials.GetCredentialsAsync()", callers, rounds, table, shared,
            prime: () => sdk.GetCredentialsAsync(),
            expire: sdk.ClearCredentials,
            call: () => sdk.GetCredentialsAsync());
        table.Print();
        adapterProvider.Dispose();
        return ok ? 0 : 1;
    }

    private static async Task<bool> MeasureAsync<T>(
        string name, int callers, int rounds, MarkdownTable table, LocalStsEnvironment server,
        Func<Task> prime, Action expire, Func<Task<T>> call)
    {
        await prime();
        var latencies = new List<double>(callers * rounds);
        var stsCalls = new List<int>();
        var stormMs = new List<double>();
        for (var round = 0; round <= rounds; round++)
        {
            expire();
            var before = server.AssumeRoleCalls;
            var (lat, span) = await StormAsync(callers, call);
            var made = server.AssumeRoleCalls - before;
            if (made > 1)
            {
                // Show when each extra call reached STS relative to the first: an extra call that starts after the first
                // one was answered came from a caller that read the expired snapshot before the swap and asked for a
                // refresh after the in-flight one had already completed.
                var entries = server.Server.Journal.Snapshot().Where(e => e.Operation == "AssumeRole").TakeLast(made).ToArray();
                var first = entries[0].Timestamp;
                Console.WriteLine($"// {name}, storm {round}: {made} AssumeRole calls at " +
                    string.Join(", ", entries.Select(e => $"+{(e.Timestamp - first).TotalMilliseconds:0.0} ms ({e.Outcome})")));
            }
            if (round == 0)
            {
                continue; // warm-up: JIT, connection pool, thread-pool growth
            }

            latencies.AddRange(lat);
            stsCalls.Add(made);
            stormMs.Add(span);
        }

        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        var calls = stsCalls.Distinct().Count() == 1 ? stsCalls[0].ToString() : string.Join("/", stsCalls);
        table.Add(name, calls, Stats.Ms(Stats.Percentile(sorted, 50)), Stats.Ms(Stats.Percentile(sorted, 90)),
            Stats.Ms(Stats.Percentile(sorted, 99)), Stats.Ms(sorted[^1]), Stats.Ms(sorted.Average()), Stats.Ms(stormMs.Average()));
        Console.WriteLine($"// {name}: STS calls per storm {string.Join(", ", stsCalls)}");
        return stsCalls.All(c => c == 1);
    }

    // Every caller waits on one gate whose release is dispatched to the thread pool, so arrivals come from all cores at
    // once; each caller times itself from its own arrival, which is the latency its request would see.
    private static async Task<(double[] Latencies, double StormMs)> StormAsync<T>(int callers, Func<Task<T>> call)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var latencies = new double[callers];
        var arrivals = new long[callers];
        var finishes = new long[callers];
        var tasks = new Task[callers];
        for (var i = 0; i < callers; i++)
        {
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                await gate.Task;
                var arrived = Stopwatch.GetTimestamp();
                _ = await call();
                var done = Stopwatch.GetTimestamp();
                arrivals[index] = arrived;
                finishes[index] = done;
                latencies[index] = Stats.ElapsedMs(arrived, done);
            });
        }

        // Let every caller reach the gate before opening it.
        await Task.Delay(200);
        gate.SetResult();
        await Task.WhenAll(tasks);
        return (latencies, Stats.ElapsedMs(arrivals.Min(), finishes.Max()));
    }
}
