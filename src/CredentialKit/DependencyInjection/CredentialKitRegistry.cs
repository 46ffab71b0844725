using Microsoft.Extensions.Configuration;

namespace CredentialKit;

/// <summary>
/// The profile names and configuration sections registered on one
/// <see cref="Microsoft.Extensions.DependencyInjection.IServiceCollection"/>, kept as a singleton instance in that
/// collection so repeated <c>AddCredentialKit</c> calls share it.
/// </summary>
internal sealed class CredentialKitRegistry
{
    private readonly List<string> _names = [];
    private readonly List<(string? Name, IConfiguration Section)> _sections = [];

    /// <summary>Gets a snapshot of the names in registration order.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_names)
            {
                return [.. _names];
            }
        }
    }

    /// <summary>Gets a snapshot of the profile sections bound, by profile name, in registration order.</summary>
    public IReadOnlyList<(string Name, IConfiguration Section)> ProfileSections
    {
        get
        {
            lock (_names)
            {
                return [.. _sections.Where(s => s.Name is not null).Select(s => (s.Name!, s.Section))];
            }
        }
    }

    /// <summary>Adds <paramref name="name"/> unless it is already registered.</summary>
    /// <returns><see langword="true"/> when the name is new.</returns>
    /// <exception cref="ArgumentException">A registered name differs from <paramref name="name"/> only in case.</exception>
    public bool Add(string name)
    {
        lock (_names)
        {
            if (_names.Contains(name, StringComparer.Ordinal))
            {
                return false;
            }

            // Configuration keys ignore case but named options and keyed services do not: two such names would bind the
            // same configuration yet resolve different providers, so refuse the second.
            var clash = _names.Find(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            if (clash is not null)
            {
                throw new ArgumentException(
                    $"The CredentialKit profile '{name}' differs only in case from the registered profile '{clash}'. Profile names are " +
                    "compared ordinally; use the same spelling everywhere.", nameof(name));
            }

            _names.Add(name);
            return true;
        }
    }

    /// <summary>
    /// Records that <paramref name="section"/> is bound for the profile <paramref name="name"/> (or, when
    /// <see langword="null"/>, as the top-level <c>CredentialKit</c> section), unless the same section already is.
    /// </summary>
    /// <returns>
    /// <see langword="true"/> when it is new. Binding a section twice would append its lists twice (a role chain
    /// hub → hub), so a repeated registration is a no-op.
    /// </returns>
    public bool AddSection(string? name, IConfiguration section)
    {
        lock (_names)
        {
            if (_sections.Any(s => string.Equals(s.Name, name, StringComparison.Ordinal) && SameSection(s.Section, section)))
            {
                return false;
            }

            _sections.Add((name, section));
            return true;
        }
    }

    /// <summary>
    /// Two section objects are the same section when they have the same path in the same configuration. Sections are
    /// created anew on every <c>GetSection</c>, so identity is the path plus the root, which every section of one root
    /// shares through its reload token.
    /// </summary>
    private static bool SameSection(IConfiguration a, IConfiguration b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        return a is IConfigurationSection x && b is IConfigurationSection y
            && string.Equals(x.Path, y.Path, StringComparison.OrdinalIgnoreCase)
            && ReferenceEquals(x.GetReloadToken(), y.GetReloadToken());
    }
}
