using System.Text.Json;
using CredentialKit.LocalSts.Protocol;

namespace CredentialKit.LocalSts.Operations;

/// <summary>Parameters several operations share: managed policy ARNs, inline policy, duration.</summary>
internal static class CommonParameters
{
    public static List<string> ParsePolicyArns(QueryParameters p, ParameterValidator v)
    {
        var entries = p.GetStructList("PolicyArns");
        var arns = new List<string>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            arns.Add(v.Arn(entries[i].GetValueOrDefault("arn"), $"policyArns.{i + 1}.member.arn", required: true) ?? string.Empty);
        }

        v.ListMax(arns, "policyArns", LocalStsDefaults.MaxPolicyArns, a => $"PolicyDescriptorType(Arn={a})");

        return arns;
    }

    /// <summary>An inline policy must be JSON; otherwise <c>MalformedPolicyDocument</c>.</summary>
    public static void CheckPolicyJson(string? policy)
    {
        if (policy is null)
        {
            return;
        }

        try
        {
            using var doc = JsonDocument.Parse(policy);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new StsException(StsErrorCodes.MalformedPolicyDocument, "Syntax errors in policy.");
            }
        }
        catch (JsonException)
        {
            throw new StsException(StsErrorCodes.MalformedPolicyDocument, StsErrorCodes.MalformedPolicyMessage);
        }
    }

    /// <summary>Role-session duration rules (sts-facts §2): chaining limit first, then the role's MaxSessionDuration.</summary>
    public static TimeSpan RoleDuration(int? requestedSeconds, LocalStsRole role, bool chaining)
    {
        var requested = TimeSpan.FromSeconds(requestedSeconds ?? (int)LocalStsDefaults.RoleDefaultDuration.TotalSeconds);
        if (chaining && requested > LocalStsDefaults.RoleChainingLimit)
        {
            throw StsException.Validation(StsErrorCodes.ChainingLimitMessage);
        }

        if (requested > role.MaxSessionDuration)
        {
            throw StsException.Validation(StsErrorCodes.MaxSessionDurationMessage);
        }

        return requested;
    }
}
