using Microsoft.Extensions.Options;

namespace CredentialKit;

/// <summary>
/// Checks a <see cref="CredentialProfileOptions"/> against the STS limits before any call is made. Every message names
/// the setting (with the hop's index and role ARN), what is wrong with the value and what is allowed; never a secret.
/// </summary>
public sealed class CredentialProfileOptionsValidator : IValidateOptions<CredentialProfileOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CredentialProfileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Collect(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem of <paramref name="options"/>.</summary>
    internal static void ThrowIfInvalid(CredentialProfileOptions options, string? profileName)
    {
        var failures = Collect(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(profileName ?? Options.DefaultName, typeof(CredentialProfileOptions), failures);
        }
    }

    /// <summary>Throws when a dynamic role (<see cref="ICredentialProvider.ForRole"/>) breaks a limit or conflicts with the chain.</summary>
    internal static void ThrowIfInvalid(AssumeRoleOptions role, ChainContext chain, string parentRoleArn)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(role.RoleArn))
        {
            failures.Add($"ForRole on {parentRoleArn}: RoleArn is required.");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(chain.ProfileName ?? Options.DefaultName, typeof(AssumeRoleOptions), failures);
        }
    }

    private static List<string> Collect(CredentialProfileOptions options)
    {
        var failures = new List<string>();
        if (options.Roles.Count == 0)
        {
            failures.Add("Roles: at least one role is required.");
        }

        for (var i = 0; i < options.Roles.Count; i++)
        {
            if (string.IsNullOrEmpty(options.Roles[i].RoleArn))
            {
                failures.Add($"Roles[{i}].RoleArn is required.");
            }
        }

        return failures;
    }
}
