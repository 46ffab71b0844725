using System.Diagnostics.CodeAnalysis;
using CredentialKit;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds CredentialKit profiles to a service collection; returned by <c>AddCredentialKit</c>.</summary>
public interface ICredentialKitBuilder
{
    /// <summary>Gets the service collection the profiles are registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>
    /// Registers the profile <paramref name="name"/> bound from <paramref name="configuration"/> (the section
    /// <c>CredentialKit:Profiles:&lt;name&gt;</c>: <c>Source</c>, <c>Roles</c>, <c>Sts</c>, <c>Refresh</c>). An unknown key or a
    /// value that does not convert stops the host from starting, naming the profile and the key path; the section is
    /// watched, and a reload rebuilds the profile's provider.
    /// </summary>
    /// <param name="name">The profile name: the key of its keyed services and named options.</param>
    /// <param name="configuration">The profile's configuration section.</param>
    /// <returns>This builder, so calls chain.</returns>
    /// <remarks>
    /// May be combined with <see cref="AddProfile(string, Action{CredentialKitProfileOptions})"/> for the same name, for the
    /// settings configuration cannot hold (<see cref="SourceCredentialsOptions.Credentials"/>,
    /// <see cref="AssumeRoleOptions.MfaTokenCodeProvider"/>); the configuration and the callbacks apply in call order.
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space, or differs only in case from a registered profile.</exception>
    [RequiresUnreferencedCode(StrictConfigurationBinder.TrimmingMessage)]
    [RequiresDynamicCode(StrictConfigurationBinder.AotMessage)]
    ICredentialKitBuilder AddProfile(string name, IConfiguration configuration);

    /// <summary>Registers the profile <paramref name="name"/> configured in code.</summary>
    /// <param name="name">The profile name: the key of its keyed services and named options.</param>
    /// <param name="configure">Sets the profile's options; runs each time the options are (re)built.</param>
    /// <returns>This builder, so calls chain.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space, or differs only in case from a registered profile.</exception>
    /// <example><code>services.AddCredentialKit().AddProfile("billing", o => o.Roles.Add(new AssumeRoleOptions { RoleArn = billingArn }));</code></example>
    ICredentialKitBuilder AddProfile(string name, Action<CredentialKitProfileOptions> configure);
}
