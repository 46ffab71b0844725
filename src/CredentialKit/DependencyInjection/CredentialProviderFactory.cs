using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CredentialKit;

/// <summary>
/// The container's <see cref="ICredentialProviderFactory"/>: one lazily created <see cref="ReloadingCredentialProvider"/>
/// per registered profile over the shared <see cref="SessionCache"/>, rebuilt in place when its options reload.
/// Owns the providers; the container disposes it (and, after it, the cache).
/// </summary>
/// <remarks>
/// It watches the profiles' configuration sections itself rather than through an <see cref="IOptionsChangeTokenSource{TOptions}"/>:
/// the options monitor rebuilds options inside the reload callback, so invalid reloaded settings would throw
/// <see cref="OptionsValidationException"/> into the code that called <c>IConfigurationRoot.Reload()</c>. Here a rejected
/// reload is logged (EventId 108), the profile keeps its last valid options and provider, and the health check reports it.
/// </remarks>
internal sealed class CredentialProviderFactory : ICredentialProviderFactory, IDisposable
{
    private readonly Dictionary<string, ProfileSlot> _slots = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<CredentialKitProfileOptions> _options;
    private readonly SessionCache _cache;
    private readonly ILogger _logger;
    private readonly IDisposable? _onChange;
    private readonly List<IDisposable> _reloadWatches = [];
    private readonly IOptionsFactory<CredentialKitProfileOptions>? _optionsFactory;
    private readonly IOptionsMonitorCache<CredentialKitProfileOptions>? _optionsCache;
    private volatile bool _disposed;

    public CredentialProviderFactory(
        CredentialKitRegistry registry,
        IOptionsMonitor<CredentialKitProfileOptions> options,
        SessionCache cache,
        ILoggerFactory loggerFactory,
        IOptionsFactory<CredentialKitProfileOptions>? optionsFactory = null,
        IOptionsMonitorCache<CredentialKitProfileOptions>? optionsCache = null)
    {
        ProfileNames = registry.Names;
        foreach (var name in ProfileNames)
        {
            _slots.Add(name, new ProfileSlot(name));
        }

        _options = options;
        _cache = cache;
        _logger = loggerFactory.CreateLogger("CredentialKit.DependencyInjection");
        _onChange = options.OnChange(OnOptionsChanged);
        _optionsFactory = optionsFactory;
        _optionsCache = optionsCache;
        if (optionsFactory is not null && optionsCache is not null)
        {
            foreach (var (name, section) in registry.ProfileSections)
            {
                _reloadWatches.Add(ChangeToken.OnChange(section.GetReloadToken, () => OnConfigurationReloaded(name)));
            }
        }
    }

    public IReadOnlyList<string> ProfileNames { get; }

    /// <summary>
    /// Returns why the last reload of <paramref name="name"/>'s configuration was rejected, or <see langword="null"/>
    /// when the profile serves its latest settings.
    /// </summary>
    public OptionsValidationException? ReloadFailureOf(string name) =>
        _slots.TryGetValue(name, out var slot) ? slot.ReloadFailure : null;

    public ICredentialProvider GetProvider(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _slots.TryGetValue(name, out var slot) ? GetOrCreate(slot) : throw UnknownProfile(name);
    }

    /// <summary>
    /// Returns the provider for the un-keyed <see cref="ICredentialProvider"/>: the only profile, or the one named
    /// <c>Default</c> (ignoring case, since names differing only in case cannot both be registered).
    /// </summary>
    /// <exception cref="InvalidOperationException">No profile, or several and none named <c>Default</c>.</exception>
    public ICredentialProvider GetDefaultProvider()
    {
        if (ProfileNames.Count == 1)
        {
            return GetProvider(ProfileNames[0]);
        }

        var named = ProfileNames.FirstOrDefault(n => string.Equals(n, CredentialKitHostingDefaults.DefaultProfileName, StringComparison.OrdinalIgnoreCase));
        if (named is not null)
        {
            return GetProvider(named);
        }

        throw new InvalidOperationException(ProfileNames.Count == 0
            ? "No CredentialKit profile is registered, so there is no ICredentialProvider or AWSCredentials to resolve. Register one with " +
              "services.AddCredentialKit().AddProfile(name, ...) or bind CredentialKit:Profiles with services.AddCredentialKit(section)."
            : $"CredentialKit has {ProfileNames.Count} profiles ({List(ProfileNames)}) and none is named '{CredentialKitHostingDefaults.DefaultProfileName}', " +
              "so an un-keyed ICredentialProvider or AWSCredentials is ambiguous. Resolve [FromKeyedServices(\"<profile>\")] ICredentialProvider " +
              "(or AWSCredentials), call ICredentialProviderFactory.GetProvider(\"<profile>\"), or name one profile " +
              $"'{CredentialKitHostingDefaults.DefaultProfileName}'.");
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _onChange?.Dispose();
        foreach (var watch in _reloadWatches)
        {
            watch.Dispose();
        }

        foreach (var slot in _slots.Values)
        {
            lock (slot)
            {
                slot.Provider?.Dispose();
            }
        }
    }

    private static string List(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private ReloadingCredentialProvider GetOrCreate(ProfileSlot slot)
    {
        var provider = slot.Provider;
        if (provider is not null)
        {
            return provider;
        }

        // Building a provider makes no STS call, so holding the slot's lock here never waits on the network. The same lock
        // orders creation against reload notifications: either creation reads the reloaded options, or the
        // notification finds the provider and reloads it.
        lock (slot)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return slot.Provider ??= new ReloadingCredentialProvider(slot.Name, _options.Get(slot.Name), _cache, _logger);
        }
    }

    private void OnOptionsChanged(CredentialKitProfileOptions options, string? name)
    {
        if (name is null || _disposed || !_slots.TryGetValue(name, out var slot))
        {
            return;
        }

        lock (slot)
        {
            slot.Provider?.Reload(options);
        }
    }

    /// <summary>
    /// Rebuilds <paramref name="name"/>'s options after its configuration reloaded. Never throws: it runs inside
    /// <c>IConfigurationRoot.Reload()</c>.
    /// </summary>
    private void OnConfigurationReloaded(string name)
    {
        if (_disposed || !_slots.TryGetValue(name, out var slot))
        {
            return;
        }

        try
        {
            CredentialKitProfileOptions options;
            try
            {
                options = _optionsFactory!.Create(name);
            }
            catch (OptionsValidationException e)
            {
                lock (slot)
                {
                    slot.ReloadFailure = e;
                }

                HostingLog.ReloadFailed(_logger, name, e);
                return;
            }

            lock (slot)
            {
                if (_disposed)
                {
                    return;
                }

                slot.ReloadFailure = null;
                _optionsCache!.TryRemove(name);
                _optionsCache.TryAdd(name, options);
                slot.Provider?.Reload(options);
            }
        }
        catch (Exception e)
        {
            // Nothing may escape into the caller of IConfigurationRoot.Reload(); the profile keeps serving.
            HostingLog.ReloadFailed(_logger, name, e);
        }
    }

    private ArgumentException UnknownProfile(string name)
    {
        var similar = ProfileNames.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        var hint = similar is null ? string.Empty : $" Did you mean '{similar}'? Profile names are compared ordinally.";
        var known = ProfileNames.Count == 0 ? "no profile is registered" : $"the registered profiles are {List(ProfileNames)}";
        return new ArgumentException($"No CredentialKit profile is named '{name}'; {known}.{hint}", nameof(name));
    }

    private sealed class ProfileSlot(string name)
    {
        private volatile ReloadingCredentialProvider? _provider;

        public string Name { get; } = name;

        /// <summary>Gets or sets why the last reload was rejected; written under the slot's lock.</summary>
        public OptionsValidationException? ReloadFailure { get; set; }

        /// <summary>Gets or sets the provider; read without the lock on the hot path, written under it.</summary>
        public ReloadingCredentialProvider? Provider
        {
            get => _provider;
            set => _provider = value;
        }
    }
}
