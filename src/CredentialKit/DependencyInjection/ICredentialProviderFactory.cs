namespace CredentialKit;

/// <summary>
/// Hands out the provider of each profile registered with <c>AddCredentialKit().AddProfile(...)</c>. Registered as a
/// singleton; every provider it returns is a singleton over the one shared <see cref="SessionCache"/>.
/// </summary>
public interface ICredentialProviderFactory
{
    /// <summary>Gets the names of the registered profiles, in registration order.</summary>
    IReadOnlyList<string> ProfileNames { get; }

    /// <summary>
    /// Returns the provider of the profile <paramref name="name"/> (created on first use; no STS call is made until
    /// credentials are requested). The same instance is returned for the life of the container, including across
    /// options reloads: it switches to the reloaded settings itself.
    /// </summary>
    /// <param name="name">The profile name, compared ordinally (as keyed services and named options are).</param>
    /// <returns>The profile's provider. Do not dispose it; the container does.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No profile is named <paramref name="name"/>; the message lists the registered names.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The profile's options are invalid; the message names each setting.</exception>
    /// <exception cref="ObjectDisposedException">The container was disposed.</exception>
    ICredentialProvider GetProvider(string name);
}
