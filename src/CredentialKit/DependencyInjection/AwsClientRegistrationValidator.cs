using Microsoft.Extensions.Options;

namespace CredentialKit;

/// <summary>
/// The start-up check of the AWS SDK integration, run with <see cref="CredentialKitOptions"/>'s <c>ValidateOnStart</c>: every
/// profile named by <c>AddAWSService&lt;T&gt;(profile)</c> / <c>UseAsDefaultAWSCredentials(profile)</c> exists, no
/// <c>AWS:SessionRoleArn</c> would assume a role on top of a profile's session, and no later <c>AWSOptions</c> registration
/// hides the default copy.
/// </summary>
/// <remarks>
/// It reads the application's <c>AWSOptions</c> but never resolves a CredentialKit service, so it cannot re-enter the
/// options it validates.
/// </remarks>
internal sealed class AwsClientRegistrationValidator(
    AwsClientRegistrations registrations,
    CredentialKitRegistry registry,
    IServiceProvider services) : IValidateOptions<CredentialKitOptions>
{
    public ValidateOptionsResult Validate(string? name, CredentialKitOptions options)
    {
        if (name is not null && name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var profiles = registrations.Clients.Select(c => c.Profile).Prepend(registrations.DefaultProfile).OfType<string>()
            .Distinct(StringComparer.Ordinal).ToList();
        if (profiles.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        var names = registry.Names;
        foreach (var profile in profiles)
        {
            if (AwsClientRegistrations.UnknownProfileProblem(profile, names) is { } unknown)
            {
                var clients = registrations.Clients.Where(c => c.Profile == profile).Select(c => c.Call);
                var calls = string.Join(", ", profile == registrations.DefaultProfile ? clients.Prepend($"UseAsDefaultAWSCredentials(\"{profile}\")") : clients);
                failures.Add($"{calls}: {unknown}");
            }
        }

        if (registrations.IsDefaultHidden())
        {
            failures.Add(
                $"An AWSOptions registration (AddDefaultAWSOptions) comes after UseAsDefaultAWSCredentials(\"{registrations.DefaultProfile}\") and " +
                "hides it, so the AWS SDK's clients would not sign with CredentialKit. Call UseAsDefaultAWSCredentials after AddDefaultAWSOptions.");
        }

        if (AwsClientRegistrations.SessionRoleProblem(registrations.ApplicationOptions(services), profiles[0]) is { } sessionRole)
        {
            failures.Add(sessionRole);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
