using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CredentialKit.Benchmarks.Tenants;

/// <summary>What <see cref="TenantHeapRun"/> measured at one tenant count.</summary>
internal sealed record HeapResult(
    int Tenants,
    long HeapBytes,
    long CredentialStringBytes,
    int CredentialStrings,
    int StsClients,
    double ForRoleBytes,
    double FirstFetchBytes,
    double SameReadNs,
    double SameReadBytes,
    double RandomReadNs,
    double RandomReadBytes,
    long NotSynchronousReads,
    double GaugeMs,
    double AllGaugesMs,
    long GaugeBytes,
    int GaugeSeries,
    string? GcDump);

/// <summary>
/// Items 1 to 4 of the <c>tenants</c> suite on the real clock and the real SDK STS client (answered in memory): one hub
/// provider over static keys and one role, then N <c>hub.ForRole(tenant i)</c> handles each warmed with one
/// <c>GetCredentialsAsync</c>; the heap they take, what reading them costs, one gauge collection over them, and what one
/// more <c>ForRole</c> (and its first fetch) allocates.
/// </summary>
internal static class TenantHeapRun
{
    private const int ReadsPerRun = 2_000_000;
    private const int MinimumExtraTenants = 1_000;

    public static async Task<HeapResult> RunAsync(int tenants)
    {
        await WarmUpCodeAsync();

        var sts = new InMemoryStsClientFactory(TimeProvider.System);
        // Pacing off: 100,000 first fetches at the default 100 per second would take 17 minutes of real time.
        await using var cache = new SessionCache(new SessionCacheOptions { StsClientFactory = sts, StsRequestsPerSecond = 0 });
        await using var hub = CredentialProvider.Create(HubOptions(), cache, "tenants-hub");
        _ = await hub.GetCredentialsAsync();

        // The caller's own containers and inputs are allocated before the baseline: only what CredentialKit keeps counts.
        var handles = new ICredentialProvider[tenants];
        var clientsBefore = sts.ClientsCreated;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < tenants; i++)
        {
            handles[i] = hub.ForRole(Tenant(i));
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, tenants), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount * 4 },
            async (i, _) => await handles[i].GetCredentialsAsync());
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var clients = sts.ClientsCreated - clientsBefore;
        var gcDump = GcDump.TryCollect($"tenants-{tenants}");

        var (stringBytes, strings) = CredentialStrings(handles);
        var same = new int[ReadsPerRun];
        var random = new int[ReadsPerRun];
        var rng = new Random(1);
        for (var i = 0; i < random.Length; i++)
        {
            random[i] = rng.Next(tenants);
        }

        var (sameNs, sameBytes, sameSlow) = MeasureReads(handles, same);
        var (randomNs, randomBytes, randomSlow) = MeasureReads(handles, random);
        var (gaugeMs, _, _) = MeasureGaugeCollection("credentialkit.session.remaining_lifetime");
        var (allGaugesMs, gaugeBytes, series) = MeasureGaugeCollection();
        var (forRoleBytes, firstFetchBytes) = await MeasureForRoleAsync(hub, tenants);

        foreach (var handle in handles)
        {
            handle.Dispose();
        }

        return new HeapResult(tenants, after - before, stringBytes, strings, clients, forRoleBytes, firstFetchBytes,
            sameNs, sameBytes, randomNs, randomBytes, sameSlow + randomSlow, gaugeMs, allGaugesMs, gaugeBytes, series, gcDump);
    }

    /// <summary>
    /// The bytes of the distinct strings in the tenants' <see cref="SessionCredentials"/> (a string shared by several
    /// counts once): on 64-bit .NET a string takes 22 bytes plus 2 per character, rounded up to 8.
    /// </summary>
    private static (long Bytes, int Count) CredentialStrings(ICredentialProvider[] handles)
    {
        var seen = new HashSet<string>(ReferenceEqualityComparer.Instance);
        long bytes = 0;
        foreach (var handle in handles)
        {
            var read = handle.GetCredentialsAsync();
            var credentials = read.IsCompletedSuccessfully ? read.Result : read.AsTask().GetAwaiter().GetResult();
            foreach (var s in new[] { credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken, credentials.AssumedRoleArn, credentials.SourceIdentity, credentials.Region })
            {
                if (s is not null && seen.Add(s))
                {
                    bytes += (22 + (2L * s.Length) + 7) & ~7L;
                }
            }
        }

        return (bytes, seen.Count);
    }

    /// <summary>
    /// Reads <c>handles[order[i]]</c> for every i: the same tenant (all zeros) or a random one (precomputed, so the random
    /// generator is not measured; both loops read the index array the same way). Best of 3 runs, in ns per read.
    /// </summary>
    private static (double Ns, double Bytes, long NotSynchronous) MeasureReads(ICredentialProvider[] handles, int[] order)
    {
        var best = double.MaxValue;
        var bytes = double.MaxValue;
        long notSynchronous = 0;
        long sink = 0;
        for (var run = 0; run < 3; run++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < order.Length; i++)
            {
                var read = handles[order[i]].GetCredentialsAsync();
                if (read.IsCompletedSuccessfully)
                {
                    sink += read.Result.Expiration.Ticks;
                }
                else
                {
                    // Never expected for a warm tenant: counted, and shown as a miss.
                    notSynchronous++;
                    sink += read.AsTask().GetAwaiter().GetResult().Expiration.Ticks;
                }
            }

            var elapsed = Stopwatch.GetElapsedTime(start);
            best = Math.Min(best, elapsed.TotalNanoseconds / order.Length);
            bytes = Math.Min(bytes, (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)order.Length);
        }

        GC.KeepAlive(sink);
        return (best, bytes, notSynchronous);
    }

    /// <summary>
    /// One <see cref="MeterListener.RecordObservableInstruments"/> over the instruments of the <c>CredentialKit</c> meter
    /// (its observable gauges are the ones collected), or over <paramref name="only"/> alone: best of 5 in ms, the bytes one
    /// collection allocates on this thread (the gauge callbacks run on it), and the number of measurements (series) reported.
    /// </summary>
    private static (double Ms, long Bytes, int Series) MeasureGaugeCollection(string? only = null)
    {
        var series = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "CredentialKit" && (only is null || instrument.Name == only))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => series++);
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => series++);
        listener.SetMeasurementEventCallback<int>((_, _, _, _) => series++);
        listener.Start();
        listener.RecordObservableInstruments(); // the first collection builds the gauges' state; not measured

        var best = double.MaxValue;
        var bytes = long.MaxValue;
        for (var run = 0; run < 5; run++)
        {
            series = 0;
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            listener.RecordObservableInstruments();
            var elapsed = Stopwatch.GetElapsedTime(start);
            bytes = Math.Min(bytes, GC.GetAllocatedBytesForCurrentThread() - allocated);
            best = Math.Min(best, elapsed.TotalMilliseconds);
        }

        return (best, bytes, series);
    }

    /// <summary>
    /// Half as many more <c>ForRole</c> calls on the warm hub as it has tenants (at least <see cref="MinimumExtraTenants"/>),
    /// handles kept: bytes allocated on this thread per call, the amortized growth of the cache's tables included (over a
    /// window that short of N, one doubling of a table would land on a few calls); then each one's first <c>GetCredentialsAsync</c>, one at a time: bytes allocated by the whole process per
    /// first fetch (the refresh runs on the thread pool), the real SDK client's request, signing and XML parsing included.
    /// </summary>
    private static async Task<(double ForRole, double FirstFetch)> MeasureForRoleAsync(ICredentialProvider hub, int tenants)
    {
        var extra = Math.Max(MinimumExtraTenants, tenants / 2);
        var roles = Enumerable.Range(1_000_000, extra).Select(Tenant).ToArray();
        var handles = new ICredentialProvider[extra];
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < handles.Length; i++)
        {
            handles[i] = hub.ForRole(roles[i]);
        }

        var forRole = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)extra;
        var total = GC.GetTotalAllocatedBytes(precise: true);
        foreach (var handle in handles)
        {
            _ = await handle.GetCredentialsAsync();
        }

        var firstFetch = (GC.GetTotalAllocatedBytes(precise: true) - total) / (double)extra;
        foreach (var handle in handles)
        {
            handle.Dispose();
        }

        return (forRole, firstFetch);
    }

    /// <summary>Runs every path once on a throw-away cache, so JIT and SDK start-up costs land before any baseline.</summary>
    private static async Task WarmUpCodeAsync()
    {
        await using var cache = new SessionCache(new SessionCacheOptions { StsClientFactory = new InMemoryStsClientFactory(TimeProvider.System), StsRequestsPerSecond = 0 });
        await using var hub = CredentialProvider.Create(HubOptions(), cache, "tenants-warm-up");
        for (var i = 0; i < 64; i++)
        {
            await using var handle = hub.ForRole(Tenant(2_000_000 + i));
            _ = await handle.GetCredentialsAsync();
        }
    }

    internal static CredentialKitProfileOptions HubOptions(string role = "hub", TimeSpan? refreshAhead = null)
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = "AKIATENANTSBENCH0001";
        options.Source.SecretAccessKey = "tenantsBenchSecretKey/NotARealSecret0001";
        options.Roles.Add(new AssumeRoleOptions { RoleArn = $"arn:aws:iam::111122223333:role/{role}", RoleSessionName = "tenants", Duration = TimeSpan.FromHours(1) });
        options.Refresh.RefreshAhead = refreshAhead;
        options.Sts.Region = "us-east-1";
        return options;
    }

    internal static AssumeRoleOptions Tenant(int i) =>
        new() { RoleArn = $"arn:aws:iam::{100000000000 + i}:role/tenant", ExternalId = $"tenant-{i}", RoleSessionName = "tenants" };
}
