using System.Globalization;

namespace CredentialKit.Redis.FleetNode;

/// <summary>The command line of one fleet node; every value has a default suited to 20-second LocalSts sessions.</summary>
internal sealed record FleetNodeArguments(
    string StsEndpoint,
    string? Redis,
    string KeyRingDirectory,
    string KeyPrefix,
    TimeSpan Duration,
    TimeSpan Interval,
    TimeSpan RefreshAhead,
    TimeSpan MinimumLifetime,
    string RoleSessionName,
    TimeSpan? StoreTimeout = null,
    int Hops = 2,
    TimeSpan StsClockOffset = default,
    int Tenants = 0,
    int FirstTenant = 0,
    int? FleetRequestsPerSecond = null,
    int? FleetBurst = null)
{
    /// <summary>The account of the tenant roles of <c>--tenants</c> mode (the test's LocalSts adds them, trusting hub).</summary>
    public const string TenantAccountId = "555566667777";

    /// <summary>The role ARN of tenant <paramref name="index"/>.</summary>
    public static string TenantRoleArn(int index) => $"arn:aws:iam::{TenantAccountId}:role/tenant-{index}";

    public const string Usage =
        "usage: CredentialKit.Redis.FleetNode --sts <LocalSts endpoint> [--redis <StackExchange.Redis configuration>] " +
        "[--key-ring <directory shared by the fleet>] [--prefix <key prefix>] [--duration <s>] [--interval-ms <ms>] " +
        "[--refresh-ahead <s>] [--minimum-lifetime <s>] [--session-name <name>] [--store-timeout <s>] [--hops 2|3] " +
        "[--sts-offset <s>: STS's clock minus this machine's, to judge lifetimes on STS's clock] " +
        "[--tenants <n> --first-tenant <i>: warm n tenant roles through hub, then exit] [--fleet-rps <n>] [--fleet-burst <n>]";

    public static FleetNodeArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value' pairs; got '{args[i]}'. {Usage}");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string? Get(string name) => values.Remove(name, out var value) ? value : null;
        TimeSpan Seconds(string name, double fallback) => TimeSpan.FromSeconds(Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback);

        var parsed = new FleetNodeArguments(
            Get("sts") ?? throw new ArgumentException("--sts is required. " + Usage),
            Get("redis"),
            Get("key-ring") ?? Path.Combine(Path.GetTempPath(), "credentialkit-fleet-keys"),
            Get("prefix") ?? "credentialkit:",
            Seconds("duration", 60),
            TimeSpan.FromMilliseconds(Get("interval-ms") is { } ms ? double.Parse(ms, CultureInfo.InvariantCulture) : 50),
            Seconds("refresh-ahead", 10),
            Seconds("minimum-lifetime", 2),
            Get("session-name") ?? "fleet",
            Get("store-timeout") is { } storeTimeout ? TimeSpan.FromSeconds(double.Parse(storeTimeout, CultureInfo.InvariantCulture)) : null,
            Get("hops") is { } hops ? int.Parse(hops, CultureInfo.InvariantCulture) : 2,
            Seconds("sts-offset", 0),
            Get("tenants") is { } tenants ? int.Parse(tenants, CultureInfo.InvariantCulture) : 0,
            Get("first-tenant") is { } first ? int.Parse(first, CultureInfo.InvariantCulture) : 0,
            Get("fleet-rps") is { } rps ? int.Parse(rps, CultureInfo.InvariantCulture) : null,
            Get("fleet-burst") is { } burst ? int.Parse(burst, CultureInfo.InvariantCulture) : null);
        if (parsed.Hops is not (2 or 3))
        {
            throw new ArgumentException($"--hops is {parsed.Hops}; it must be 2 (hub, reports) or 3 (hub, reports, warehouse). {Usage}");
        }
        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}. {Usage}");
        }

        return parsed;
    }
}
