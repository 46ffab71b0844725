using System.Text.RegularExpressions;
using CredentialKit.LocalSts.Protocol;

namespace CredentialKit.LocalSts.Operations;

/// <summary>Parsing of IAM role ARNs.</summary>
internal static partial class RoleArns
{
    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::(?<account>[0-9]{12}):role/(?:[\w+=,.@-]+/)*(?<name>[\w+=,.@-]+)$", RegexOptions.ECMAScript)]
    private static partial Regex RoleArnPattern();

    /// <summary>Throws <c>ValidationError</c> "<c>ARN is invalid</c>" unless <paramref name="roleArn"/> is a well-formed role ARN.</summary>
    public static void EnsureValid(string roleArn)
    {
        if (!RoleArnPattern().IsMatch(roleArn))
        {
            throw StsException.Validation($"{roleArn} is invalid");
        }
    }

    public static string AssumedRoleArn(string accountId, string roleName, string sessionName) =>
        $"arn:aws:sts::{accountId}:assumed-role/{roleName}/{sessionName}";
}
