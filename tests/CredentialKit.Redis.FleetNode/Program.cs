using System.Text.Json;
using CredentialKit;
using CredentialKit.LocalSts;
using CredentialKit.Redis;
using CredentialKit.Redis.FleetNode;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

// One process of a test fleet: a two-hop chain (demo user → hub → reports) over a SessionCache whose SharedStore is
// Redis (or none, without --redis), asked for credentials every --interval-ms for --duration. It prints "ready" once the
// chain holds credentials, then one JSON summary line; the exit code is 0 only if every call got credentials that lived
// at least --minimum-lifetime. Meant to be started (several at once) by the multi-process test and the fleet-redis bench.
FleetNodeArguments arguments;
try
{
    arguments = FleetNodeArguments.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

var time = TimeProvider.System;
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

// The fleet shares one key ring: here a directory every node of the test reads.
var services = new ServiceCollection();
services.AddDataProtection().SetApplicationName("credentialkit-fleet").PersistKeysToFileSystem(new DirectoryInfo(arguments.KeyRingDirectory));
await using var container = services.BuildServiceProvider();

await using var store = arguments.Redis is null ? null : new RedisSharedSessionStore(new RedisSharedSessionStoreOptions
{
    Configuration = arguments.Redis,
    DataProtectionProvider = container.GetRequiredService<IDataProtectionProvider>(),
    KeyPrefix = arguments.KeyPrefix,
    TimeProvider = time,
    OperationTimeout = arguments.StoreTimeout ?? new RedisSharedSessionStoreOptions().OperationTimeout,
});
var logEvents = new EventCountingLoggerFactory();
var cacheOptions = new SessionCacheOptions { TimeProvider = time, SharedStore = store, LoggerFactory = logEvents };
cacheOptions.FleetStsRequestsPerSecond = arguments.FleetRequestsPerSecond ?? cacheOptions.FleetStsRequestsPerSecond;
cacheOptions.FleetStsRequestBurst = arguments.FleetBurst ?? cacheOptions.FleetStsRequestBurst;
await using var cache = new SessionCache(cacheOptions);

var options = new CredentialKitProfileOptions
{
    Source = { Type = SourceCredentialsType.Static, AccessKeyId = LocalStsDemo.AccessKeyId, SecretAccessKey = LocalStsDemo.SecretAccessKey },
    Roles =
    {
        new AssumeRoleOptions { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = arguments.RoleSessionName },
        new AssumeRoleOptions { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = arguments.RoleSessionName, ExternalId = LocalStsDemo.ReportsExternalId },
    },
    Sts = { ServiceUrl = arguments.StsEndpoint, AuthenticationRegion = "us-east-1" },
    Refresh = { RefreshAhead = arguments.RefreshAhead, MinimumLifetime = arguments.MinimumLifetime },
};
if (arguments.Tenants > 0)
{
    // Tenant mode: the tenants trust hub, so the provider they are assumed through is the hub hop.
    options.Roles.RemoveAt(1);
}
else if (arguments.Hops == 3)
{
    // A third account whose role trusts reports sessions; the bench's LocalSts adds it (see FleetRedisSuite).
    options.Roles.Add(new AssumeRoleOptions { RoleArn = "arn:aws:iam::777788889999:role/warehouse", RoleSessionName = arguments.RoleSessionName });
}

// How long each refresh takes (the CredentialKit.Refresh span): an adoption from the store, or an STS call.
var refreshMilliseconds = new System.Collections.Concurrent.ConcurrentQueue<double>();
var adoptionMilliseconds = new System.Collections.Concurrent.ConcurrentQueue<double>(); // the refreshes served from the store

using var refreshListener = new System.Diagnostics.ActivityListener
{
    ShouldListenTo = source => source.Name == "CredentialKit",
    Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllData,
    ActivityStopped = activity =>
    {
        if (activity.OperationName == "CredentialKit.Refresh")
        {
            refreshMilliseconds.Enqueue(activity.Duration.TotalMilliseconds);
            if (activity.GetTagItem("credentialkit.shared_store.outcome") is string outcome && outcome.StartsWith("adopted", StringComparison.Ordinal))
            {
                adoptionMilliseconds.Enqueue(activity.Duration.TotalMilliseconds);
            }
        }
    },
};
System.Diagnostics.ActivitySource.AddActivityListener(refreshListener);
await using var provider = CredentialProvider.Create(options, cache, profileName: "fleet");

if (arguments.Tenants > 0)
{
    return await TenantWarmUp.RunAsync(provider, arguments, logEvents, stop.Token);
}

long calls = 0, failures = 0, belowMinimum = 0;
string? lastError = null;
await provider.GetCredentialsAsync(stop.Token);
Console.WriteLine("ready");

var started = time.GetTimestamp();
while (!stop.IsCancellationRequested && time.GetElapsedTime(started) < arguments.Duration)
{
    try
    {
        var credentials = await provider.GetCredentialsAsync(stop.Token);
        calls++;
        // Judged on STS's clock (the machine's plus --sts-offset): the lifetime that matters is the one STS counts.
        if (credentials.RemainingLifetime(time.GetUtcNow() + arguments.StsClockOffset) < arguments.MinimumLifetime)
        {
            belowMinimum++;
        }
    }
    catch (CredentialRefreshException ex)
    {
        failures++;
        lastError = ex.ErrorCode ?? ex.GetType().Name;
    }

    try
    {
        await Task.Delay(arguments.Interval, time, stop.Token);
    }
    catch (OperationCanceledException)
    {
        break;
    }
}

var status = provider.GetStatus();
Console.WriteLine(JsonSerializer.Serialize(new
{
    calls,
    failures,
    belowMinimum,
    lastError,
    refreshes = status.RefreshCount,
    store = store?.GetStatus().State ?? "none",
    refreshMilliseconds = refreshMilliseconds.ToArray(),
    adoptionMilliseconds = adoptionMilliseconds.ToArray(),
}));
return failures == 0 && belowMinimum == 0 ? 0 : 1;
