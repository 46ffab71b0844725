namespace CredentialKit;

/// <summary>Checks the shape of IAM role and managed-policy ARNs, naming the part that is wrong.</summary>
internal static class ArnRules
{
    public const string RoleExample = "arn:aws:iam::111122223333:role/reports";

    /// <summary>Gets the allowed role ARNs as messages state them.</summary>
    public static string RoleAllowed { get; } =
        $"arn:<partition>:iam::<12-digit account>:role/<path/name> of {StsLimits.ArnMinLength}–{StsLimits.ArnMaxLength} characters, for example {RoleExample}";

    /// <summary>Gets the allowed policy ARNs as messages state them.</summary>
    public static string PolicyAllowed { get; } =
        $"arn:<partition>:iam::<12-digit account or aws>:policy/<path/name> of {StsLimits.ArnMinLength}–{StsLimits.ArnMaxLength} characters, for example arn:aws:iam::aws:policy/ReadOnlyAccess";

    /// <summary>Returns what is wrong with a role ARN, each phrased to follow the ARN (<c>has service 'sts', not 'iam'</c>).</summary>
    public static IEnumerable<string> CheckRole(string arn) => Check(arn, "role", allowAwsAccount: false);

    /// <summary>Returns what is wrong with a managed-policy ARN (account may be <c>aws</c> for AWS managed policies).</summary>
    public static IEnumerable<string> CheckPolicy(string arn) => Check(arn, "policy", allowAwsAccount: true);

    private static IEnumerable<string> Check(string arn, string resourceType, bool allowAwsAccount)
    {
        if (arn.Length is < StsLimits.ArnMinLength or > StsLimits.ArnMaxLength)
        {
            yield return $"is {ValueText.Count(arn.Length, "character")} long";
        }

        if (ShapeProblem(arn, resourceType, allowAwsAccount) is { } problem)
        {
            yield return problem;
        }
    }

    private static string? ShapeProblem(string arn, string resourceType, bool allowAwsAccount)
    {
        if (!arn.StartsWith("arn:", StringComparison.Ordinal))
        {
            return "does not start with 'arn:'";
        }

        // arn:partition:service:region:account:resource; the resource may itself contain ':' or '/'.
        var parts = arn.Split(':', 6);
        if (parts.Length < 6)
        {
            return "does not have the six ':'-separated parts of an ARN";
        }

        var (partition, service, region, account, resource) = (parts[1], parts[2], parts[3], parts[4], parts[5]);
        if (!IsPartition(partition))
        {
            return $"has partition {Quoted(partition)}, which is not an AWS partition";
        }

        if (service != "iam")
        {
            return $"has service {Quoted(service)}, not 'iam'";
        }

        if (region.Length > 0)
        {
            return $"has region {Quoted(region)}, but IAM ARNs have none";
        }

        if (!IsAccount(account) && !(allowAwsAccount && account == "aws"))
        {
            return $"has account {Quoted(account)}, which is not 12 digits{(allowAwsAccount ? " or 'aws'" : string.Empty)}";
        }

        var prefix = resourceType + "/";
        var name = resource.StartsWith(prefix, StringComparison.Ordinal) ? resource[(resource.LastIndexOf('/') + 1)..] : null;
        if (name is null || name.Length == 0 || !resource.All(c => c is > ' ' and <= '~'))
        {
            return $"has resource {Quoted(resource)}, not {resourceType}/<path/name>";
        }

        return null;
    }

    /// <summary><c>aws</c>, <c>aws-cn</c>, <c>aws-us-gov</c>, <c>aws-iso-b</c>, <c>aws-eusc</c> and any later <c>aws-…</c>.</summary>
    private static bool IsPartition(string partition) =>
        partition == "aws"
        || (partition.StartsWith("aws-", StringComparison.Ordinal)
            && partition.Split('-').Skip(1).All(p => p.Length > 0 && p.All(c => c is >= 'a' and <= 'z')));

    /// <summary>Quotes a part of a value that may not be an ARN at all, masking anything shaped like a secret.</summary>
    private static string Quoted(string part) => ValueText.Quote(SecretRedaction.MaskSecrets(part));

    private static bool IsAccount(string account) => account.Length == 12 && account.All(char.IsAsciiDigit);
}
