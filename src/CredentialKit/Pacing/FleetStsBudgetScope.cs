namespace CredentialKit;

/// <summary>
/// Carries, along one shared hop's refresh, which fleet bucket (account and region) its STS calls count against, so the
/// rate limiter can ask the fleet's budget without every fetcher passing it along. Unset for hops the fleet does not share:
/// their calls are paced per process only.
/// </summary>
internal static class FleetStsBudgetScope
{
    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>Gets the bucket of the current flow's STS calls, if it refreshes a shared hop.</summary>
    public static string? Value => Current.Value;

    /// <summary>Sets the bucket for the rest of the calling async method (restored when it returns).</summary>
    public static void Set(string? scope) => Current.Value = scope;

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
