using System.Collections.Immutable;
using Amazon.SecurityToken.Model;

namespace CredentialKit;

/// <summary>Renders managed-policy ARNs as the <c>PolicyArns</c> member every STS request type shares.</summary>
internal static class PolicyDescriptors
{
    /// <summary>
    /// The descriptors, or <see langword="null"/> when there are none (so the SDK sends no list at all). Built on every
    /// request, so without LINQ, and without any allocation when there are no ARNs (the common case).
    /// </summary>
    public static List<PolicyDescriptorType>? From(ImmutableArray<string> policyArns)
    {
        if (policyArns.IsDefaultOrEmpty)
        {
            return null;
        }

        var descriptors = new List<PolicyDescriptorType>(policyArns.Length);
        foreach (var arn in policyArns)
        {
            descriptors.Add(new PolicyDescriptorType { Arn = arn });
        }

        return descriptors;
    }
}
