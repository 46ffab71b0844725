namespace CredentialKit;

/// <summary>
/// The profile names registered on one <see cref="Microsoft.Extensions.DependencyInjection.IServiceCollection"/>, kept as
/// a singleton instance in that collection so repeated <c>AddCredentialKit</c> calls share it.
/// </summary>
internal sealed class CredentialKitRegistry
{
    private readonly List<string> _names = [];

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
}
