using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>Creates <see cref="ICredentialProvider"/> instances from <see cref="CredentialKitProfileOptions"/>.</summary>
public static class CredentialProvider
{
    /// <summary>
    /// Creates a provider with its own private session cache. Disposing the provider stops its timers and abandons any
    /// in-flight refresh.
    /// </summary>
    /// <param name="options">The profile. It is validated and copied: later changes to it have no effect.</param>
    /// <param name="timeProvider">The clock; defaults to <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">The logger factory; defaults to none.</param>
    /// <returns>The provider. No STS call is made until credentials are first requested.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option breaks an STS limit; the message names each.</exception>
    public static ICredentialProvider Create(CredentialKitProfileOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Create(options, new SessionCacheOptions { TimeProvider = timeProvider, LoggerFactory = loggerFactory });
    }

    /// <summary>
    /// Creates a provider with its own private session cache built from <paramref name="cacheOptions"/> (clock, logging,
    /// metrics, STS client factory, jitter source). Disposing the provider disposes that cache.
    /// </summary>
    /// <param name="options">The profile. It is validated and copied: later changes to it have no effect.</param>
    /// <param name="cacheOptions">Services and limits for the private session cache.</param>
    /// <param name="profileName">The profile's name, used in logs, metrics and errors.</param>
    /// <returns>The provider. No STS call is made until credentials are first requested.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="cacheOptions"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option breaks an STS limit; the message names each.</exception>
    public static ICredentialProvider Create(CredentialKitProfileOptions options, SessionCacheOptions cacheOptions, string? profileName = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cacheOptions);
        CredentialKitProfileOptionsValidator.ThrowIfInvalid(options, profileName);
        var cache = new SessionCache(cacheOptions);
        return new ChainedCredentialProvider(cache, ChainBuilder.Build(options, cache, profileName), ownsCache: true);
    }

    /// <summary>
    /// Creates a provider over a shared <see cref="SessionCache"/>: providers whose chains share a prefix share those
    /// sessions and their refreshes. Disposing the provider leaves the cache and its sessions to the cache's owner.
    /// </summary>
    /// <param name="options">The profile. It is validated and copied: later changes to it have no effect.</param>
    /// <param name="cache">The shared session cache, which also supplies the clock, logging, metrics and STS clients.</param>
    /// <param name="profileName">The profile's name, used in logs, metrics and errors.</param>
    /// <returns>The provider. No STS call is made until credentials are first requested.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="cache"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option breaks an STS limit; the message names each.</exception>
    public static ICredentialProvider Create(CredentialKitProfileOptions options, SessionCache cache, string? profileName = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cache);
        CredentialKitProfileOptionsValidator.ThrowIfInvalid(options, profileName);
        return new ChainedCredentialProvider(cache, ChainBuilder.Build(options, cache, profileName), ownsCache: false);
    }
}
