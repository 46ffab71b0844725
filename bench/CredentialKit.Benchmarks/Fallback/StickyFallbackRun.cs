using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CredentialKit.Benchmarks.Infrastructure;
using CredentialKit.LocalSts;

namespace CredentialKit.Benchmarks.Fallback;

/// <summary>
/// Sticky regional fallback on the real clock with the real SDK client: the primary endpoint is a black-holed loopback
/// port (it accepts connections and never answers), the fallback region's URL is LocalSts. Measures a cold two-hop
/// chain, refreshes during the cool-down, the refresh that probes the primary, and a second provider of the same cache.
/// </summary>
internal static class StickyFallbackRun
{
    public static async Task<int> RunAsync(int refreshes)
    {
        await using var sts = await LocalStsEnvironment.StartAsync();
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var accepted = new List<Socket>();
        using var stop = new CancellationTokenSource();
        var acceptLoop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await blackHole.AcceptSocketAsync(stop.Token));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = LocalStsDemo.AccessKeyId;
        options.Source.SecretAccessKey = LocalStsDemo.SecretAccessKey;
        options.Sts.ServiceUrl = $"http://127.0.0.1:{((IPEndPoint)blackHole.LocalEndpoint).Port}/";
        options.Sts.AuthenticationRegion = "us-east-1";
        options.Sts.FallbackRegions.Add("us-west-2");
        options.Sts.FallbackServiceUrls["us-west-2"] = sts.ServiceUrl;
        options.Roles.Add(new AssumeRoleOptions { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "bench-hub" });
        options.Roles.Add(new AssumeRoleOptions { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "bench-reports", ExternalId = LocalStsDemo.ReportsExternalId });
        using var cache = new SessionCache(new SessionCacheOptions());
        var provider = CredentialProvider.Create(options, cache, "bench");

        Console.WriteLine("Sticky regional fallback: primary black-holed, defaults (3 retries, 5 s attempt timeout)");
        Console.WriteLine("| Step | Refreshes | Time per refresh |");
        Console.WriteLine("|---|---|---|");
        Row("cold two-hop chain (detection)", 1, await TimeAsync(() => provider.GetCredentialsAsync().AsTask()));

        var during = new List<TimeSpan>();
        for (var i = 0; i < refreshes; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1100)); // past the invalidation coalescing
            provider.Invalidate();
            during.Add(await TimeAsync(() => provider.GetCredentialsAsync().AsTask()));
        }

        Row("during the cool-down (median)", refreshes, during.Order().ElementAt(during.Count / 2));
        Row("during the cool-down (max)", refreshes, during.Max());

        // Another profile of the same cache whose last hop is cold: it learns the primary is down from the cache.
        var other = CopyWithSessionName(options, "bench-reports-2");
        var tenant = CredentialProvider.Create(other, cache, "bench-2");
        Row("another provider of the cache, cold hop", 1, await TimeAsync(() => tenant.GetCredentialsAsync().AsTask()));

        var wait = provider.GetStatus().UnavailableEndpoints[0].NextProbeAt - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        provider.Invalidate();
        Row("after the cool-down (probe + fallback)", 1, await TimeAsync(() => provider.GetCredentialsAsync().AsTask()));
        Console.WriteLine($"connections to the black-holed primary: {accepted.Count}");

        tenant.Dispose();
        provider.Dispose();
        await stop.CancelAsync();
        blackHole.Stop();
        await acceptLoop;
        foreach (var socket in accepted)
        {
            socket.Dispose();
        }

        return 0;
    }

    private static CredentialKitProfileOptions CopyWithSessionName(CredentialKitProfileOptions options, string sessionName)
    {
        var copy = new CredentialKitProfileOptions();
        copy.Source.Type = options.Source.Type;
        copy.Source.AccessKeyId = options.Source.AccessKeyId;
        copy.Source.SecretAccessKey = options.Source.SecretAccessKey;
        copy.Sts.ServiceUrl = options.Sts.ServiceUrl;
        copy.Sts.AuthenticationRegion = options.Sts.AuthenticationRegion;
        copy.Sts.FallbackRegions.Add("us-west-2");
        copy.Sts.FallbackServiceUrls["us-west-2"] = options.Sts.FallbackServiceUrls["us-west-2"];
        copy.Roles.Add(options.Roles[0]);
        copy.Roles.Add(new AssumeRoleOptions { RoleArn = options.Roles[1].RoleArn, RoleSessionName = sessionName, ExternalId = options.Roles[1].ExternalId });
        return copy;
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> refresh)
    {
        var started = Stopwatch.GetTimestamp();
        await refresh();
        return Stopwatch.GetElapsedTime(started);
    }

    private static void Row(string step, int count, TimeSpan time) =>
        Console.WriteLine($"| {step} | {count} | {time.TotalMilliseconds:F0} ms |");
}
