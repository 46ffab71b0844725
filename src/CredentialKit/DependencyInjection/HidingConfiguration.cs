using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace CredentialKit;

/// <summary>
/// A view of a configuration section without some of its children, so that the top level of <c>CredentialKit</c> can be
/// bound strictly while <c>Profiles</c> (bound per profile) is left out.
/// </summary>
internal sealed class HidingConfiguration(IConfiguration inner, IReadOnlyCollection<string> hiddenKeys) : IConfigurationSection
{
    public string? this[string key]
    {
        get => inner[key];
        set => inner[key] = value;
    }

    public string Key => (inner as IConfigurationSection)?.Key ?? string.Empty;

    public string Path => (inner as IConfigurationSection)?.Path ?? string.Empty;

    public string? Value
    {
        get => (inner as IConfigurationSection)?.Value;
        set
        {
            if (inner is IConfigurationSection section)
            {
                section.Value = value;
            }
        }
    }

    public IEnumerable<IConfigurationSection> GetChildren() =>
        inner.GetChildren().Where(c => !hiddenKeys.Contains(c.Key, StringComparer.OrdinalIgnoreCase));

    public IChangeToken GetReloadToken() => inner.GetReloadToken();

    public IConfigurationSection GetSection(string key) => inner.GetSection(key);
}
