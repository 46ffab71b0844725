using System.Diagnostics;
using System.Globalization;
using System.Net;
using CredentialKit.LocalSts;
using CredentialKit.LocalSts.Soak;

// LocalSts soak: N requests (default 1,000,000) over loopback HTTP against one in-process server — nine AssumeRole (each
// issues a session) for one presigned GetCallerIdentity — on a clock that moves 1 s every 100 requests, so sessions of
// 60 s expire all along. Memory is sampled after a full GC every tenth of the run; the journal (a ring) and the session
// store (pruned) must keep it flat. The baseline is the first sample after the journal filled and sessions began to
// expire (steady state); the run exits 1 when managed memory grew more than 25 % from it to the last sample.
var requests = args.Length >= 2 && args[0] == "--requests" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
const int Workers = 8;
const int RequestsPerSecondOfServerTime = 100;

var clock = new SteppedClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
var options = LocalStsOptions.CreateDemo();
options.MaxRequestSkew = null;                       // one signature replayed for the whole run
options.SessionLifetimeOverride = TimeSpan.FromSeconds(60);
await using var server = await LocalStsServer.StartNewAsync(options, clock);

var assumeRole = SignedRequest.Post(server.Endpoint,
    $"Action=AssumeRole&Version=2011-06-15&RoleArn={Uri.EscapeDataString(LocalStsDemo.HubRoleArn)}&RoleSessionName=soak",
    LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, clock.GetUtcNow());
var presigned = SignedRequest.PresignedGet(server.Endpoint, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, clock.GetUtcNow());
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Workers });

Console.WriteLine($"// LocalSts soak: {requests:N0} requests, {Workers} concurrent clients, journal capacity {server.Journal.Capacity:N0}, sessions of 60 s");
Console.WriteLine("| Requests done | Managed memory (GC.GetTotalMemory(true)) | Working set | Sessions held | Journal entries | Journal dropped | Handles | Threads |");
Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");

var done = 0;
var failures = 0;
var sampleEvery = requests / 10;
var samples = new List<(int At, long Managed)>();
var nextSample = sampleEvery;
var sampleGate = new object();
var stopwatch = Stopwatch.StartNew();

void Sample(int at)
{
    var managed = GC.GetTotalMemory(forceFullCollection: true);
    using var self = Process.GetCurrentProcess();
    samples.Add((at, managed));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {at:N0} | {managed / 1024.0 / 1024.0:N1} MiB | {self.WorkingSet64 / 1024.0 / 1024.0:N0} MiB | {server.GetSessions().Count:N0} | {server.Journal.Count():N0} | {server.Journal.DroppedCount:N0} | {self.HandleCount} | {self.Threads.Count} |"));
}

await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
{
    while (true)
    {
        var n = Interlocked.Increment(ref done);
        if (n > requests)
        {
            return;
        }

        if (n % RequestsPerSecondOfServerTime == 0)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        using var request = (n % 10 == 0 ? presigned : assumeRole).Create();
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Interlocked.Increment(ref failures);
        }

        if (n >= nextSample)
        {
            lock (sampleGate)
            {
                if (n >= nextSample)
                {
                    nextSample += sampleEvery;
                    Sample(n);
                }
            }
        }
    }
}));

stopwatch.Stop();
var baseline = samples.FirstOrDefault(s => s.At >= 2 * server.Journal.Capacity, samples[0]);
var growth = (samples[^1].Managed - baseline.Managed) / (double)baseline.Managed;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"// {requests:N0} requests in {stopwatch.Elapsed.TotalSeconds:N1} s ({requests / stopwatch.Elapsed.TotalSeconds:N0} requests/s), {failures} non-200, {clock.GetUtcNow() - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero):g} of server time; managed memory {growth:+0.0%;-0.0%} from the sample at {baseline.At:N0} requests to the last"));
return failures == 0 && growth < 0.25 ? 0 : 1;
