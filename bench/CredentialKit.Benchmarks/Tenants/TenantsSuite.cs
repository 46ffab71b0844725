using System.Globalization;
using CredentialKit.Benchmarks.Infrastructure;

namespace CredentialKit.Benchmarks.Tenants;

/// <summary>
/// The <c>tenants</c> suite (issue #14, "Done when"): at each tenant count, the heap per warm <c>ForRole</c> tenant with
/// the real SDK STS client (credential strings reported apart), what <c>ForRole</c> allocates, the cost of reading a warm
/// tenant (the same one, and a random one), one gauge collection, and the peak STS calls per second while all tenants
/// warm at once under the default pacing. Prints one table with a goal and PASS/MISS per row; exits non-zero on a miss.
/// </summary>
internal static class TenantsSuite
{
    private const double HeapGoalBytes = 1.5 * 1024;
    private const double ForRoleGoalBytes = 2 * 1024;
    private const double GaugeGoalMs = 1.0;

    // "No per-tenant garbage": the smallest .NET object is 24 bytes, so even one object per tenant at 1,000 tenants is
    // 24 KB; a collection that allocates under 4 KB allocates nothing per tenant from 171 tenants up.
    private const long GaugeGarbageGoalBytes = 4 * 1024;

    public static async Task<int> RunAsync(int[] counts)
    {
        Console.WriteLine($"## Tenants: one hub, N ForRole tenants (N = {string.Join(", ", counts.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))})");
        Console.WriteLine();
        var heaps = new List<HeapResult>();
        var warmUps = new List<WarmUpResult>();
        foreach (var n in counts)
        {
            var heap = await TenantHeapRun.RunAsync(n);
            Console.WriteLine($"// {n:N0} tenants: heap {heap.HeapBytes / 1048576.0:N1} MB, {heap.StsClients:N0} STS clients created, " +
                              $"{heap.CredentialStrings:N0} credential strings; gcdump: {heap.GcDump ?? (GcDump.Available ? "failed" : "skipped (dotnet-gcdump not installed)")}");
            heaps.Add(heap);
            Collect();
            var warmUp = await PacedWarmUp.RunAsync(n);
            Console.WriteLine($"// {n:N0} tenants: paced warm-up {(warmUp.Completed ? "completed" : "DID NOT COMPLETE")} in {warmUp.WarmUp.TotalSeconds:N2} simulated s " +
                              $"(held refreshes done at {warmUp.Simulated.TotalSeconds:N2} s), " +
                              $"{warmUp.Calls:N0} STS calls, {warmUp.HeldRefreshes} held-session refreshes, lowest held remaining lifetime {warmUp.LowestHeldRemaining.TotalSeconds:N0} s");
            warmUps.Add(warmUp);
            Collect();
        }

        Console.WriteLine();
        var table = new MarkdownTable(["measured", .. counts.Select(Label), "goal", "result"]);
        var ok = true;
        var rate = warmUps[0].RequestsPerSecond;
        var burst = warmUps[0].Burst;

        Row(table, "heap per warm tenant, real `AmazonSecurityTokenServiceClient`, 1,000-char tokens", heaps,
            h => $"{Kb(h.HeapBytes / (double)h.Tenants)} ({h.HeapBytes / 1048576.0:N0} MB)", "", null);
        Row(table, "credential strings per tenant (AccessKeyId, secret, token, ARN)", heaps,
            h => Kb(h.CredentialStringBytes / (double)h.Tenants), "", null);
        ok &= Row(table, "**heap per tenant excluding credential strings**", heaps,
            h => Kb(PerTenantExcludingStrings(h)), "≤ 1.5 KB", h => PerTenantExcludingStrings(h) <= HeapGoalBytes);
        Row(table, "STS clients created per tenant", heaps,
            h => (h.StsClients / (double)h.Tenants).ToString("0.###", CultureInfo.InvariantCulture), "", null);
        ok &= Row(table, "`ForRole` on a warm hub, allocated per call (mean over N/2 more, table growth included)", heaps,
            h => $"{h.ForRoleBytes:N0} B", "< 2 KB", h => h.ForRoleBytes < ForRoleGoalBytes);
        Row(table, "first `GetCredentialsAsync` of a new tenant, allocated (whole process, SDK call included)", heaps,
            h => Kb(h.FirstFetchBytes), "", null);
        Row(table, "read, same tenant (ns, best of 3 × 2M reads)", heaps, h => h.SameReadNs.ToString("0.0", CultureInfo.InvariantCulture), "", null);
        Row(table, "read, random tenant (ns, best of 3 × 2M reads)", heaps, h => h.RandomReadNs.ToString("0.0", CultureInfo.InvariantCulture), "", null);
        ok &= Row(table, "bytes per read (same / random), reads not completed synchronously", heaps,
            h => $"{h.SameReadBytes:0.##} / {h.RandomReadBytes:0.##} B, {h.NotSynchronousReads}", "0 B, 0",
            h => h.SameReadBytes < 0.01 && h.RandomReadBytes < 0.01 && h.NotSynchronousReads == 0);
        ok &= Row(table, "one collection of the remaining-lifetime gauge (ms, best of 5)", heaps,
            h => h.GaugeMs.ToString("0.000", CultureInfo.InvariantCulture), "< 1 ms", h => h.GaugeMs < GaugeGoalMs);
        Row(table, "one collection of all three gauges (ms, best of 5)", heaps,
            h => h.AllGaugesMs.ToString("0.000", CultureInfo.InvariantCulture), "", null);
        ok &= Row(table, "one collection of all three gauges: series, bytes allocated", heaps,
            h => $"{h.GaugeSeries:N0} series, {h.GaugeBytes:N0} B", "< 4 KB (no per-tenant garbage)", h => h.GaugeBytes < GaugeGarbageGoalBytes);
        ok &= Row(table, $"warming all at once, default pacing ({rate}/s, burst {burst}): peak STS calls in one second (whole seconds / any 1-s window)", warmUps,
            w => $"{w.PeakCalendarSecond:N0} / {w.PeakSlidingSecond:N0}", $"≤ {rate + burst}",
            w => w.Completed && w.PeakCalendarSecond <= rate + burst && w.PeakSlidingSecond <= rate + burst);
        Row(table, "simulated warm-up time (s)", warmUps, w => w.WarmUp.TotalSeconds.ToString("N1", CultureInfo.InvariantCulture), "", null);
        ok &= Row(table, "held sessions below minimum during warm-up (of held; their refreshes)", warmUps,
            w => $"{w.HeldBelowMinimum} (of {w.Held}; {w.HeldRefreshes} refreshes)", "0",
            w => w.Completed && w.HeldBelowMinimum == 0);
        table.Print();
        return ok ? 0 : 1;
    }

    private static double PerTenantExcludingStrings(HeapResult h) => (h.HeapBytes - h.CredentialStringBytes) / (double)h.Tenants;

    /// <summary>Adds a row; with a goal, the result column is PASS, or MISS naming the tenant counts that missed it.</summary>
    private static bool Row<T>(MarkdownTable table, string name, List<T> results, Func<T, string> cell, string goal, Func<T, bool>? met)
    {
        var missed = met is null ? [] : results.Where(r => !met(r)).ToList();
        var result = met is null ? "" : missed.Count == 0 ? "PASS" : "MISS at " + string.Join(", ", missed.Select(r => Label(Tenants(r))));
        table.Add([name, .. results.Select(cell), goal, result]);
        return missed.Count == 0;
    }

    private static int Tenants<T>(T result) => result switch
    {
        HeapResult h => h.Tenants,
        WarmUpResult w => w.Tenants,
        _ => 0,
    };

    private static string Label(int n) => n % 1000 == 0 ? $"{n / 1000:N0}k" : n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Kb(double bytes) => $"{bytes / 1024:0.00} KB";

    private static void Collect()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}
