using CredentialKit.LocalSts.Protocol;

namespace CredentialKit.LocalSts.Operations;

/// <summary>
/// The emulator's packed-size estimate. Real STS compresses policies and tags into an undocumented binary format; here
/// <c>PackedPolicySize = ceil(100 × (policy characters + Σ policy ARN characters + Σ (tag key + value characters)) / budget)</c>,
/// with <see cref="LocalStsOptions.PackedPolicyBudget"/> (default 2048) as the budget. Inherited transitive tags count too.
/// Above 100 % the request fails with <c>PackedPolicyTooLarge</c>: <c>Packed size of session tags consumes N% of allotted space.</c>
/// when the tags alone exceed the budget, otherwise <c>Packed policy consumes N% of allotted space</c>.
/// </summary>
internal static class PackedPolicy
{
    public static int Compute(string? policy, IEnumerable<string> policyArns, IEnumerable<KeyValuePair<string, string>> tags, int budget)
    {
        var policyChars = (policy?.Length ?? 0) + policyArns.Sum(a => a.Length);
        var tagChars = tags.Sum(t => t.Key.Length + t.Value.Length);
        var total = Percent(policyChars + tagChars, budget);
        if (total > 100)
        {
            var tagPercent = Percent(tagChars, budget);
            throw new StsException(StsErrorCodes.PackedPolicyTooLarge, tagPercent > 100
                ? $"Packed size of session tags consumes {tagPercent}% of allotted space."
                : $"Packed policy consumes {total}% of allotted space");
        }

        return total;
    }

    private static int Percent(int chars, int budget) => (int)Math.Ceiling(100.0 * chars / budget);
}
