using System.Text.Json;
using CredentialKit;
using CredentialKit.Redis.FleetNode;

/// <summary>
/// The <c>--tenants</c> mode of a fleet node: warm tenant roles <c>--first-tenant</c> … through the hub hop all at once
/// (the fleet's STS budget paces them), print one JSON summary line and exit 0 only if every tenant got credentials.
/// </summary>
internal static class TenantWarmUp
{
    public static async Task<int> RunAsync(ICredentialProvider hub, FleetNodeArguments arguments, EventCountingLoggerFactory logEvents, CancellationToken cancellationToken)
    {
        await hub.GetCredentialsAsync(cancellationToken);
        Console.WriteLine("ready");
        var tenants = Enumerable.Range(arguments.FirstTenant, arguments.Tenants)
            .Select(i => hub.ForRole(new AssumeRoleOptions { RoleArn = FleetNodeArguments.TenantRoleArn(i), RoleSessionName = arguments.RoleSessionName }))
            .ToList();
        long failures = 0;
        string? lastError = null;
        await Task.WhenAll(tenants.Select(async tenant =>
        {
            try
            {
                await tenant.GetCredentialsAsync(cancellationToken);
            }
            catch (CredentialRefreshException ex)
            {
                Interlocked.Increment(ref failures);
                lastError = ex.ErrorCode ?? ex.GetType().Name;
            }
        }));

        foreach (var tenant in tenants)
        {
            tenant.Dispose();
        }

        Console.WriteLine(JsonSerializer.Serialize(new { tenants = tenants.Count, failures, lastError, calls = tenants.Count, belowMinimum = 0, budgetFallbacks = logEvents.Count(50) }));
        return failures == 0 ? 0 : 1;
    }
}
