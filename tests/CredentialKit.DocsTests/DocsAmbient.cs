using Amazon.Runtime;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CredentialKit.DocsTests;

/// <summary>
/// The names a docs snippet may use without declaring them, as a reader's surrounding code would have them: a host
/// builder, a cancellation token, a profile's options being configured (<c>o</c>). Every snippet is compiled with
/// <c>using static</c> of this class, so a snippet that declares one of these names itself simply shadows it.
/// </summary>
/// <remarks>Only compiled against, never run: the members throw if a snippet were ever executed.</remarks>
#pragma warning disable CA1707, IDE1006 // lower-case names: they are the snippets' local variables
public static class DocsAmbient
{
    /// <summary>The application's host builder (<c>Host.CreateApplicationBuilder(args)</c>).</summary>
    public static HostApplicationBuilder builder => throw NotRun();

    /// <summary>The caller's cancellation token.</summary>
    public static CancellationToken ct => default;

    /// <summary>The application's logger factory.</summary>
    public static ILoggerFactory loggerFactory => throw NotRun();

    /// <summary>A profile's options being configured, as in <c>AddProfile("reports", o => …)</c>.</summary>
    public static CredentialKitProfileOptions o => throw NotRun();

    /// <summary>Another profile's options, configured before.</summary>
    public static CredentialKitProfileOptions profile => throw NotRun();

    /// <summary>Options of the "reports" profile, configured before.</summary>
    public static CredentialKitProfileOptions reportsOptions => throw NotRun();

    /// <summary>Options of the "billing" profile, configured before.</summary>
    public static CredentialKitProfileOptions billingOptions => throw NotRun();

    /// <summary>A provider created before.</summary>
    public static ICredentialProvider provider => throw NotRun();

    /// <summary>The application's one-time-password source for MFA.</summary>
    public static IOneTimePasswords totp => throw NotRun();

    /// <summary>The application's SAML identity provider client.</summary>
    public static ISamlIdentityProvider idp => throw NotRun();

    /// <summary>A session policy document (JSON).</summary>
    public static string policyJson => throw NotRun();

    /// <summary>An access key id a session was issued with.</summary>
    public static string accessKeyId => throw NotRun();

    /// <summary>The application's Redis connection.</summary>
    public static IConnectionMultiplexer redis => throw NotRun();

    /// <inheritdoc cref="redis"/>
    public static IConnectionMultiplexer mux => throw NotRun();

    /// <summary>The application's data protection provider.</summary>
    public static IDataProtectionProvider dp => throw NotRun();

    /// <inheritdoc cref="dp"/>
    public static IDataProtectionProvider dataProtection => throw NotRun();

    /// <summary>A profile's options, configured before.</summary>
    public static CredentialKitProfileOptions options => throw NotRun();

    /// <summary>Credentials an SDK client signs with.</summary>
    public static AWSCredentials credentials => throw NotRun();

    private static NotSupportedException NotRun() => new("Docs snippets are compiled, not run.");
}

/// <summary>What the MFA snippet expects of the application's one-time-password source.</summary>
public interface IOneTimePasswords
{
    /// <summary>Returns the next code.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    ValueTask<string> NextCodeAsync(CancellationToken cancellationToken);
}

/// <summary>What the SAML snippet expects of the application's identity provider client.</summary>
public interface ISamlIdentityProvider
{
    /// <summary>Returns a fresh base64 SAML response.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    ValueTask<string> GetSamlResponseAsync(CancellationToken cancellationToken);
}
#pragma warning restore CA1707, IDE1006
