namespace CredentialKit;

/// <summary>
/// Checks one <see cref="AssumeRoleOptions"/> hop against the STS AssumeRole limits, and a hop's tags against the
/// transitive tag keys the calling session already carries.
/// </summary>
/// <remarks>
/// A chained hop's <see cref="AssumeRoleOptions.Duration"/> above one hour is deliberately not an error: the provider
/// clamps it to the role-chaining limit and logs that it did.
/// </remarks>
internal static class AssumeRoleValidator
{
    private const string NotReserved = ", not starting with aws:";

    /// <summary>Checks every limit of one hop; <paramref name="path"/> is its key path, such as <c>Roles:1</c>.</summary>
    public static void ValidateHop(AssumeRoleOptions role, string path, ValidationFailures failures)
    {
        var hop = new Hop(path, role.RoleArn, failures);
        ValidateRoleArn(role, hop);
        if (!string.IsNullOrEmpty(role.RoleSessionName))
        {
            // An empty name means "unset": the provider builds one.
            if (!StsLimits.RoleSessionName.IsValid(role.RoleSessionName))
            {
                hop.FailEach("RoleSessionName", StsLimits.RoleSessionName.Check(role.RoleSessionName), StsLimits.RoleSessionName.Allowed);
            }
        }

        ValidateDuration(role, hop);
        if (role.ExternalId is not null)
        {
            // The external id guards against the confused deputy; treat it as confidential and show no character of it.
            if (!StsLimits.ExternalId.IsValid(role.ExternalId))
            {
                hop.FailEach("ExternalId", StsLimits.ExternalId.Check(role.ExternalId, showCharacter: false), StsLimits.ExternalId.Allowed);
            }
        }

        ValidateTags(role, hop);
        ValidateTransitiveTagKeys(role, hop);
        ValidatePolicies(role, hop);
        ValidateSourceIdentity(role, hop);
        ValidateMfa(role, hop);
    }

    /// <summary>
    /// Fails every tag of <paramref name="role"/> whose key an earlier hop made transitive: STS rejects such a call with
    /// <c>InvalidParameterValue</c> ("conflicts with a transitive tag key from the calling session").
    /// </summary>
    /// <param name="role">The hop.</param>
    /// <param name="path">The hop's key path.</param>
    /// <param name="inherited">Transitive keys so far (case-insensitive), each with a phrase naming where it came from.</param>
    /// <param name="failures">Where failures go.</param>
    public static void ValidateInheritedTags(
        AssumeRoleOptions role,
        string path,
        IReadOnlyDictionary<string, string> inherited,
        ValidationFailures failures)
    {
        var hop = new Hop(path, role.RoleArn, failures);
        foreach (var key in role.Tags.Keys)
        {
            if (inherited.TryGetValue(key, out var origin))
            {
                hop.Fail(
                    $"Tags:{key}",
                    $"sets a key {origin}, which STS rejects (InvalidParameterValue)",
                    "tag keys that no earlier hop made transitive, compared ignoring case (the inherited tag already carries its value)");
            }
        }
    }

    private static void ValidateRoleArn(AssumeRoleOptions role, Hop hop)
    {
        if (string.IsNullOrEmpty(role.RoleArn))
        {
            hop.Fail("RoleArn", "is missing", ArnRules.RoleAllowed);
            return;
        }

        if (!ArnRules.IsRole(role.RoleArn))
        {
            hop.FailEach("RoleArn", ArnRules.CheckRole(role.RoleArn), ArnRules.RoleAllowed);
        }
    }

    private static void ValidateDuration(AssumeRoleOptions role, Hop hop)
    {
        if (role.Duration is not { } duration)
        {
            return;
        }

        static string Allowed() =>
            $"{ValueText.Duration(StsLimits.MinimumSessionDuration)} to {ValueText.Duration(StsLimits.MaximumSessionDuration)} " +
            $"in whole seconds ({StsLimits.MinimumSessionDuration.TotalSeconds:0}–{StsLimits.MaximumSessionDuration.TotalSeconds:0} s)";
        if (duration < StsLimits.MinimumSessionDuration || duration > StsLimits.MaximumSessionDuration)
        {
            hop.Fail("Duration", $"is {ValueText.Duration(duration)}", Allowed());
        }
        else if (duration.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            hop.Fail("Duration", $"is {ValueText.Duration(duration)}, which is not a whole number of seconds", Allowed());
        }
    }

    private static void ValidateTags(AssumeRoleOptions role, Hop hop)
    {
        if (role.Tags.Count == 0)
        {
            return; // the common ForRole tenant: no garbage for the checks below
        }

        var keyAllowed = StsLimits.TagKey.Allowed + NotReserved;
        if (role.Tags.Count > StsLimits.MaxTags)
        {
            hop.Fail("Tags", $"has {role.Tags.Count} tags", $"at most {StsLimits.MaxTags} tags");
        }

        // The dictionary ignores case already; this catches a replaced comparer all the same, as STS would.
        foreach (var group in role.Tags.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            hop.Fail(
                "Tags",
                $"has keys {string.Join(" and ", group.Select(ValueText.Quote))}, which differ only in case",
                "keys that are unique ignoring case (STS treats Dept and dept as one key)");
        }

        foreach (var (key, value) in role.Tags)
        {
            if (key.StartsWith(StsLimits.ReservedPrefix, StringComparison.OrdinalIgnoreCase))
            {
                hop.Fail("Tags", $"key {ValueText.Quote(key)} starts with the reserved prefix 'aws:'", keyAllowed);
            }
            else
            {
                hop.FailEach("Tags", StsLimits.TagKey.Check(key).Select(p => $"key {ValueText.Quote(key)} {p}"), keyAllowed);
            }

            if (value is null)
            {
                hop.Fail($"Tags:{key}", "value is null", StsLimits.TagValue.Allowed + " (an empty value is allowed)");
            }
            else
            {
                hop.FailEach($"Tags:{key}", StsLimits.TagValue.Check(value).Select(p => $"value {p}"), StsLimits.TagValue.Allowed);
            }
        }
    }

    private static void ValidateTransitiveTagKeys(AssumeRoleOptions role, Hop hop)
    {
        const string Allowed = "keys of this hop's Tags, each once, compared ignoring case";
        if (role.TransitiveTagKeys.Count == 0)
        {
            return;
        }

        if (role.TransitiveTagKeys.Count > StsLimits.MaxTransitiveTagKeys)
        {
            hop.Fail("TransitiveTagKeys", $"has {role.TransitiveTagKeys.Count} keys", $"at most {StsLimits.MaxTransitiveTagKeys} keys");
        }

        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < role.TransitiveTagKeys.Count; i++)
        {
            var key = role.TransitiveTagKeys[i];
            var path = $"TransitiveTagKeys:{i}";
            if (key is null)
            {
                hop.Fail(path, "is null", Allowed);
            }
            else if (seen.TryGetValue(key, out var first))
            {
                hop.Fail(path, $"is {ValueText.Quote(key)}, which TransitiveTagKeys:{first} already lists", Allowed);
            }
            else
            {
                seen.Add(key, i);
                if (!role.Tags.Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    hop.Fail(path, $"is {ValueText.Quote(key)}, which is not a key of Tags", Allowed);
                }
            }
        }
    }

    private static void ValidatePolicies(AssumeRoleOptions role, Hop hop)
    {
        if (role.PolicyArns.Count > StsLimits.MaxPolicyArns)
        {
            hop.Fail("PolicyArns", $"has {role.PolicyArns.Count} ARNs", $"at most {StsLimits.MaxPolicyArns} managed policy ARNs");
        }

        var arnCharacters = 0;
        for (var i = 0; i < role.PolicyArns.Count; i++)
        {
            var arn = role.PolicyArns[i];
            if (arn is null)
            {
                hop.Fail($"PolicyArns:{i}", "is null", ArnRules.PolicyAllowed);
                continue;
            }

            arnCharacters += arn.Length;
            hop.FailEach($"PolicyArns:{i}", ArnRules.CheckPolicy(arn).Select(p => $"is {ValueText.Quote(arn)}, which {p}"), ArnRules.PolicyAllowed);
        }

        if (role.Policy is null)
        {
            return;
        }

        // The policy may be confidential: messages give its length and a position, never its text.
        var problems = StsLimits.Policy.Check(role.Policy, showCharacter: false).ToList();
        hop.FailEach("Policy", problems, StsLimits.Policy.Allowed);
        var total = role.Policy.Length + arnCharacters;
        if (problems.Count == 0 && arnCharacters > 0 && total > StsLimits.MaxPolicyPlaintext)
        {
            hop.Fail(
                "Policy",
                $"is {ValueText.Count(role.Policy.Length, "character")} long, {total} together with PolicyArns",
                $"at most {StsLimits.MaxPolicyPlaintext} characters for Policy and PolicyArns together");
        }
    }

    private static void ValidateSourceIdentity(AssumeRoleOptions role, Hop hop)
    {
        if (role.SourceIdentity is not { } identity)
        {
            return;
        }

        var allowed = StsLimits.SourceIdentity.Allowed + NotReserved;
        if (identity.StartsWith(StsLimits.ReservedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            hop.Fail("SourceIdentity", $"is {ValueText.Quote(identity)}, which starts with the reserved prefix 'aws:'", allowed);
            return;
        }

        hop.FailEach("SourceIdentity", StsLimits.SourceIdentity.Check(identity), allowed);
    }

    private static void ValidateMfa(AssumeRoleOptions role, Hop hop)
    {
        if (role.MfaSerialNumber is null && role.MfaTokenCodeProvider is null)
        {
            return;
        }

        var serialAllowed = $"the MFA device's serial number or ARN, {StsLimits.MfaSerialNumber.Allowed}, together with MfaTokenCodeProvider";
        if (role.MfaSerialNumber is { } serial)
        {
            hop.FailEach("MfaSerialNumber", StsLimits.MfaSerialNumber.Check(serial), serialAllowed);
            if (role.MfaTokenCodeProvider is null)
            {
                hop.Fail(
                    "MfaTokenCodeProvider",
                    "is missing while MfaSerialNumber is set",
                    "a callback that returns the device's current six-digit code, set together with MfaSerialNumber");
            }
        }
        else if (role.MfaTokenCodeProvider is not null)
        {
            hop.Fail("MfaSerialNumber", "is missing while MfaTokenCodeProvider is set", serialAllowed);
        }
    }

    /// <summary>One hop's key path and role ARN, so every failure of the hop names both.</summary>
    private readonly record struct Hop(string Path, string? RoleArn, ValidationFailures Failures)
    {
        public void Fail(string member, string problem, string allowed) =>
            Failures.Add($"{Path}:{member}", RoleArn, problem, allowed);

        public void FailEach(string member, IEnumerable<string> problems, string allowed)
        {
            foreach (var problem in problems)
            {
                Fail(member, problem, allowed);
            }
        }
    }
}
