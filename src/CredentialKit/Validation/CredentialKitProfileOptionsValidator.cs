using Microsoft.Extensions.Options;

namespace CredentialKit;

/// <summary>
/// Checks a <see cref="CredentialKitProfileOptions"/> against the STS limits before any call is made. Every message names
/// the setting (with the hop's index and role ARN), what is wrong with the value and what is allowed; never a secret.
/// </summary>
/// <remarks>
/// Messages read <c>&lt;KeyPath&gt; (&lt;role ARN&gt;) &lt;what is wrong&gt;; allowed: &lt;what is allowed&gt;.</c>, for example
/// <c>Roles:1:RoleSessionName (arn:aws:iam::444455556666:role/reports) contains ' ' which is not allowed; allowed: 2–64
/// characters of A–Z a–z 0–9 _ + = , . @ -.</c> Named profiles prefix each message with <c>Profile '&lt;name&gt;': </c>.
/// Every failure is reported, not only the first.
/// </remarks>
public sealed class CredentialKitProfileOptionsValidator : IValidateOptions<CredentialKitProfileOptions>
{
    /// <summary>Validates the options of the profile <paramref name="name"/>.</summary>
    /// <param name="name">The named-options name; when not empty, each message starts with <c>Profile '&lt;name&gt;': </c>.</param>
    /// <param name="options">The options to check.</param>
    /// <returns><see cref="ValidateOptionsResult.Success"/>, or a failure listing every problem.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public ValidateOptionsResult Validate(string? name, CredentialKitProfileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var messages = AllFailures(options, name);
        return messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(messages);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem of <paramref name="options"/>.</summary>
    internal static void ThrowIfInvalid(CredentialKitProfileOptions options, string? profileName)
    {
        ArgumentNullException.ThrowIfNull(options);
        var messages = AllFailures(options, profileName);
        if (messages.Count > 0)
        {
            throw new OptionsValidationException(profileName ?? Options.DefaultName, typeof(CredentialKitProfileOptions), messages);
        }
    }

    /// <summary>
    /// Throws when a dynamic role (<see cref="ICredentialProvider.ForRole"/>) breaks a limit or sets a tag key the calling
    /// session carries as transitive. Its key path is <c>ForRole</c>; it is always a chained hop, whose duration above
    /// one hour is clamped by the provider rather than rejected.
    /// </summary>
    internal static void ThrowIfInvalid(AssumeRoleOptions role, ChainContext chain, string parentRoleArn)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(chain);
        const string Path = "ForRole";
        var failures = new ValidationFailures(chain.ProfileName);
        if (!chain.RolesAllowed)
        {
            failures.Add(Path, role.RoleArn, $"cannot follow {parentRoleArn}, a GetFederationToken session", FederationRolesAllowed);
        }

        AssumeRoleValidator.ValidateHop(role, Path, failures);
        if (role.Tags.Count > 0 && chain.TransitiveTagKeys.Count > 0)
        {
            var origin = $"which the calling session ({parentRoleArn}) carries as a transitive tag";
            var inherited = chain.TransitiveTagKeys.ToDictionary(k => k, _ => origin, StringComparer.OrdinalIgnoreCase);
            AssumeRoleValidator.ValidateInheritedTags(role, Path, inherited, failures);
        }
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(chain.ProfileName ?? Options.DefaultName, typeof(AssumeRoleOptions), failures.Messages);
        }
    }

    private const string FederationRolesAllowed =
        "no roles: STS does not let a federated user (GetFederationToken) assume a role; start the chain with SessionToken, Static or Default instead";

    /// <summary>
    /// The problems configuration binding recorded (unknown keys, values that do not convert) followed by the validator's
    /// own, so one failure lists every problem of the file.
    /// </summary>
    private static List<string> AllFailures(CredentialKitProfileOptions options, string? profileName) =>
        [.. BindingFailures.Of(options), .. Collect(options, profileName).Messages];

    private static ValidationFailures Collect(CredentialKitProfileOptions options, string? profileName)
    {
        var failures = new ValidationFailures(profileName);
        var source = SourceCredentialsValidator.Validate(options.Source, failures);
        ValidateRoles(options.Roles, source, failures);
        StsOptionsValidator.Validate(options.Sts, failures);
        RefreshOptionsValidator.Validate(options.Refresh, failures);
        // A profile's own role_arn hops come first; each configured role after a role session is role chaining.
        RefreshOptionsValidator.ValidateAgainstHops(
            options.Refresh,
            [.. source.ProfileHops ?? [], .. options.Roles.Select((role, i) => new PlannedHop(role, $"Roles:{i}:Duration", i > 0 || source.FirstRoleChained))],
            failures);
        return failures;
    }

    private static void ValidateRoles(IList<AssumeRoleOptions> roles, SourceFacts source, ValidationFailures failures)
    {
        if (roles.Count == 0)
        {
            if (!source.ProducesSession)
            {
                failures.Add("Roles", "has no role", "one or more roles, assumed in order, each with a RoleArn");
            }

            return;
        }

        if (!source.RolesAllowed)
        {
            failures.Add("Roles", $"has {ValueText.Count(roles.Count, "role")}, but Source:Type is FederationToken", FederationRolesAllowed);
        }

        // Transitive keys made by the hops so far, and which hop made each: a later hop may not set them again.
        var inherited = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < roles.Count; i++)
        {
            var path = $"Roles:{i}";
            var role = roles[i];
            if (role is null)
            {
                failures.Add(path, "is null", "an AssumeRoleOptions instance (in configuration, a section with a RoleArn)");
                continue;
            }

            AssumeRoleValidator.ValidateHop(role, path, failures);
            AssumeRoleValidator.ValidateInheritedTags(role, path, inherited, failures);
            var origin = string.IsNullOrEmpty(role.RoleArn) ? $"which {path} made transitive" : $"which {path} ({role.RoleArn}) made transitive";
            foreach (var key in role.TransitiveTagKeys)
            {
                if (!string.IsNullOrEmpty(key))
                {
                    inherited.TryAdd(key, origin);
                }
            }
        }
    }
}
