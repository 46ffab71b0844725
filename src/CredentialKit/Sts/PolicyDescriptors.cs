using Amazon.SecurityToken.Model;

namespace CredentialKit;

/// <summary>Renders managed-policy ARNs as the <c>PolicyArns</c> member every STS request type shares.</summary>
internal static class PolicyDescriptors
{
    /// <summary>The descriptors, or <see langword="null"/> when there are none (so the SDK sends no list at all).</summary>
    public static List<PolicyDescriptorType>? From(IEnumerable<string> policyArns)
    {
        var descriptors = policyArns.Select(arn => new PolicyDescriptorType { Arn = arn }).ToList();
        return descriptors.Count == 0 ? null : descriptors;
    }
}
