using Microsoft.Extensions.Configuration;

namespace CredentialKit;

/// <summary>
/// Reads the profiles under a <c>CredentialKit</c> section's <c>Profiles</c>, and what is wrong with the section's shape:
/// a section that was given but yields no profile is an error, not a host with nothing to hand out.
/// </summary>
internal static class ConfiguredProfiles
{
    private const string Allowed =
        "a section with Profiles:<name> for each profile, for example CredentialKit:Profiles:reports:Roles:0:RoleArn; " +
        "to configure profiles only in code, call AddCredentialKit() without a section";

    /// <summary>Returns the profile sections with usable names, and a message for each problem (in the validator's format).</summary>
    public static (IReadOnlyList<IConfigurationSection> Profiles, IReadOnlyList<string> Problems) Read(IConfiguration configuration)
    {
        var failures = new ValidationFailures(profileName: null);
        var path = (configuration as IConfigurationSection)?.Path;
        var where = string.IsNullOrEmpty(path) ? "the configuration root" : $"'{path}'";
        var profilesKey = CredentialKitHostingDefaults.ProfilesKey;
        var profilesPath = string.IsNullOrEmpty(path) ? profilesKey : $"{path}:{profilesKey}";
        var section = configuration.GetSection(profilesKey);
        var children = section.GetChildren().ToList();
        var profiles = new List<IConfigurationSection>();

        if (configuration is IConfigurationSection given && !given.Exists())
        {
            failures.Add(profilesKey, $"has no profile because the section {where} does not exist (is its name spelt as in the configuration file?)", Allowed);
        }
        else if (children.Count == 0 && !string.IsNullOrEmpty(section.Value))
        {
            failures.Add(profilesKey, $"is a single value, but it is a section (configuration key '{profilesPath}')", Allowed);
        }
        else if (children.Count == 0)
        {
            failures.Add(profilesKey, $"has no profile (configuration key '{profilesPath}')", Allowed);
        }

        foreach (var child in children)
        {
            if (string.IsNullOrWhiteSpace(child.Key))
            {
                var name = child.Key.Length == 0 ? "empty" : ValueText.Count(child.Key.Length, "white-space character");
                failures.Add($"{profilesKey}:{child.Key}", $"is a profile whose name is {name} (configuration key '{child.Path}')",
                    "a profile name with at least one character that is not white space");
            }
            else if (!child.GetChildren().Any())
            {
                failures.Add($"{profilesKey}:{child.Key}", $"is {(string.IsNullOrEmpty(child.Value) ? "empty" : "a single value")}, but a profile is a section (configuration key '{child.Path}')",
                    "a section with Source, Roles, Sts and Refresh");
            }
            else
            {
                profiles.Add(child);
            }
        }

        return (profiles, failures.Messages);
    }
}
