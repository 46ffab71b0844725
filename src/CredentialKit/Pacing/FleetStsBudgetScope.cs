namespace CredentialKit;

/// <summary>
/// Which fleet bucket (account and region) a shared hop's STS calls count against. It travels with the call
/// (<see cref="FetchRequest.FleetBudgetScope"/>); hops the fleet does not share have none and are paced per process only.
/// </summary>
internal static class FleetStsBudgetScope
{
    /// <summary>
    /// The bucket of a hop's STS calls: the account of the identity that signs them (the parent role's account, or for a
    /// chain's first hop the account of the role assumed, the best a process knows without calling STS) and the region.
    /// </summary>
    public static string For(string roleArn, string? signerRoleArn, StsOptions? sts)
    {
        var account = AccountOf(signerRoleArn) ?? AccountOf(roleArn) ?? "unknown";
        var region = sts?.Region ?? sts?.AuthenticationRegion ?? sts?.ToString() ?? "default";
        return account + "/" + region;
    }

    /// <summary>The account of an ARN (<c>arn:partition:service:region:account:resource</c>), or <see langword="null"/>.</summary>
    private static string? AccountOf(string? arn) =>
        arn?.Split(':') is { Length: >= 6 } parts && parts[4].Length > 0 ? parts[4] : null;
}
