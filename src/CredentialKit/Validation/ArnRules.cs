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

    /// <summary>Whether <paramref name="arn"/> is a well-formed role ARN: the allocation-free check of the common case.</summary>
    public static bool IsRole(string arn) =>
        arn.Length is >= StsLimits.ArnMinLength and <= StsLimits.ArnMaxLength && ShapeProblem(arn, "role", allowAwsAccount: false) is null;

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

        // arn:partition:service:region:account:resource; the resource may itself contain ':' or '/'. Parsed on spans: the
        // text of a part is allocated only to name it in a failure.
        var rest = arn.AsSpan(4);
        Span<Range> parts = stackalloc Range[5];
        if (rest.Split(parts, ':') < 5)
        {
            return "does not have the six ':'-separated parts of an ARN";
        }

        var partition = rest[parts[0]];
        var service = rest[parts[1]];
        var region = rest[parts[2]];
        var account = rest[parts[3]];
        var resource = rest[parts[4]];
        if (!IsPartition(partition))
        {
            return $"has partition {Quoted(partition)}, which is not an AWS partition";
        }

        if (!service.SequenceEqual("iam"))
        {
            return $"has service {Quoted(service)}, not 'iam'";
        }

        if (region.Length > 0)
        {
            return $"has region {Quoted(region)}, but IAM ARNs have none";
        }

        if (!IsAccount(account) && !(allowAwsAccount && account.SequenceEqual("aws")))
        {
            return $"has account {Quoted(account)}, which is not 12 digits{(allowAwsAccount ? " or 'aws'" : string.Empty)}";
        }

        var named = resource.Length > resourceType.Length
            && resource.StartsWith(resourceType, StringComparison.Ordinal)
            && resource[resourceType.Length] == '/'
            && resource.LastIndexOf('/') < resource.Length - 1;
        if (!named || resource.ContainsAnyExceptInRange('!', '~'))
        {
            return $"has resource {Quoted(resource)}, not {resourceType}/<path/name>";
        }

        return null;
    }

    /// <summary><c>aws</c>, <c>aws-cn</c>, <c>aws-us-gov</c>, <c>aws-iso-b</c>, <c>aws-eusc</c> and any later <c>aws-…</c>.</summary>
    private static bool IsPartition(ReadOnlySpan<char> partition)
    {
        if (partition.SequenceEqual("aws"))
        {
            return true;
        }

        if (!partition.StartsWith("aws-", StringComparison.Ordinal))
        {
            return false;
        }

        // Every '-'-separated part after "aws" is one or more lowercase letters.
        var rest = partition[4..];
        while (true)
        {
            var dash = rest.IndexOf('-');
            var part = dash < 0 ? rest : rest[..dash];
            if (part.IsEmpty || part.ContainsAnyExceptInRange('a', 'z'))
            {
                return false;
            }

            if (dash < 0)
            {
                return true;
            }

            rest = rest[(dash + 1)..];
        }
    }

    /// <summary>Quotes a part of a value that may not be an ARN at all, masking anything shaped like a secret.</summary>
    private static string Quoted(ReadOnlySpan<char> part) => ValueText.Quote(SecretRedaction.MaskSecrets(part.ToString()));

    private static bool IsAccount(ReadOnlySpan<char> account) => account.Length == 12 && !account.ContainsAnyExceptInRange('0', '9');
}
