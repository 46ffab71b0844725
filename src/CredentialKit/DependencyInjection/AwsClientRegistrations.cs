using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CredentialKit;

/// <summary>
/// What one service collection asked of the AWS SDK integration: the profile that signs the SDK's default clients, the
/// clients registered per profile, and the application's own <see cref="AWSOptions"/> registration that the default copy
/// stands in for. Kept as a singleton instance in that collection, like <see cref="CredentialKitRegistry"/>.
/// </summary>
internal sealed class AwsClientRegistrations
{
    private readonly IServiceCollection _services;
    private readonly List<AwsClientRegistration> _clients = [];
    private ServiceDescriptor? _defaultDescriptor;
    private ServiceDescriptor? _applicationDescriptor;

    private AwsClientRegistrations(IServiceCollection services) => _services = services;

    /// <summary>Gets the profile that signs the SDK's default clients, or <see langword="null"/>.</summary>
    public string? DefaultProfile { get; private set; }

    /// <summary>Gets the clients registered with <c>AddAWSService&lt;T&gt;(profile)</c> and <c>AddKeyedAWSService&lt;T&gt;(…)</c>, in call order.</summary>
    public IReadOnlyList<AwsClientRegistration> Clients
    {
        get
        {
            lock (_clients)
            {
                return [.. _clients];
            }
        }
    }

    /// <summary>Returns the instance registered in <paramref name="services"/>, registering it (and its start-up check) first.</summary>
    public static AwsClientRegistrations In(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(AwsClientRegistrations) && !d.IsKeyedService)?.ImplementationInstance
            is AwsClientRegistrations existing)
        {
            return existing;
        }

        var registrations = new AwsClientRegistrations(services);
        services.AddSingleton(registrations);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CredentialKitOptions>, AwsClientRegistrationValidator>(
            static sp => new AwsClientRegistrationValidator(
                sp.GetRequiredService<AwsClientRegistrations>(), sp.GetRequiredService<CredentialKitRegistry>(), sp)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AwsClientKeyWarnings>(
            static sp => new AwsClientKeyWarnings(
                sp.GetRequiredService<AwsClientRegistrations>(), sp.GetRequiredService<CredentialKitRegistry>(),
                sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance)));
        return registrations;
    }

    /// <summary>Registers the profile's keyed <see cref="AWSOptions"/> (<c>[FromKeyedServices("reports")] AWSOptions</c>).</summary>
    public void AddProfileOptions(string profile) =>
        _services.TryAddKeyedSingleton<AWSOptions>(profile, (sp, key) => CreateProfileOptions(sp, (string)key!));

    /// <summary>
    /// Registers the client <typeparamref name="T"/> signed by <paramref name="profile"/>, keyed by <paramref name="serviceKey"/>
    /// (un-keyed when <see langword="null"/>), built by the SDK's own client factory from the profile's <see cref="AWSOptions"/>.
    /// </summary>
    public void AddClient<T>(string profile, object? serviceKey, Action<ClientConfig, IServiceProvider>? configure, ServiceLifetime lifetime)
        where T : class, IAmazonService
    {
        AddProfileOptions(profile);
        var descriptor = serviceKey is null
            ? new ServiceDescriptor(typeof(T), sp => CreateClient<T>(sp, profile, configure), lifetime)
            : new ServiceDescriptor(typeof(T), serviceKey, (sp, _) => CreateClient<T>(sp, profile, configure), lifetime);
        lock (_clients)
        {
            _clients.Add(new AwsClientRegistration(profile, typeof(T), serviceKey, descriptor));
        }

        _services.Add(descriptor);
    }

    /// <summary>Whether <paramref name="descriptor"/> is a client registration made here.</summary>
    public bool IsOwn(ServiceDescriptor descriptor)
    {
        lock (_clients)
        {
            return _clients.Exists(c => ReferenceEquals(c.Descriptor, descriptor));
        }
    }

    /// <summary>Gets the service collection's keyed AWS client registrations, in order (for the start-up warning).</summary>
    public IReadOnlyList<ServiceDescriptor> KeyedClientDescriptors() =>
        [.. _services.Where(d => d.IsKeyedService && typeof(IAmazonService).IsAssignableFrom(d.ServiceType))];

    private static object CreateClient<T>(IServiceProvider services, string profile, Action<ClientConfig, IServiceProvider>? configure)
        where T : class, IAmazonService
    {
        var options = services.GetRequiredKeyedService<AWSOptions>(profile);

        // The SDK's client factory, which turns AWSOptions into the client's config and applies the client settings, is internal
        // to AWSSDK.Extensions.NETCore.Setup; its public registration is the way to it, so the client is built exactly as
        // services.AddAWSService<T>(options, configure) builds it.
        var sdk = new ServiceCollection();
        _ = configure is null
            ? sdk.AddAWSService<T>(options, ServiceLifetime.Transient)
            : sdk.AddAWSService<T>(options, configure, ServiceLifetime.Transient);
        return sdk[0].ImplementationFactory!(services);
    }

    /// <summary>Records <paramref name="profile"/> as the default, remembering the application's own registration it hides.</summary>
    /// <exception cref="InvalidOperationException">Another profile is already the default.</exception>
    public void SetDefault(string profile, ServiceDescriptor descriptor)
    {
        if (DefaultProfile is not null && !string.Equals(DefaultProfile, profile, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"UseAsDefaultAWSCredentials(\"{profile}\"): the CredentialKit profile '{DefaultProfile}' already signs the AWS SDK's default " +
                "clients. Call UseAsDefaultAWSCredentials once; register clients of other profiles with AddAWSService<T>(profile) or AddKeyedAWSService<T>(profile).");
        }

        if (DefaultProfile is null)
        {
            _applicationDescriptor = LastOptionsDescriptor();
        }

        DefaultProfile = profile;
        _defaultDescriptor = descriptor;
    }

    /// <summary>
    /// Whether an <see cref="AWSOptions"/> registered after <c>UseAsDefaultAWSCredentials</c> hides the copy CredentialKit
    /// registered, so that the SDK's clients would not sign with the profile.
    /// </summary>
    public bool IsDefaultHidden() => _defaultDescriptor is not null && !ReferenceEquals(LastOptionsDescriptor(), _defaultDescriptor);

    /// <summary>
    /// The application's own <see cref="AWSOptions"/>, found as the SDK finds it: the registration this integration did not
    /// make, else the <c>AWS</c> configuration section, else the SDK's defaults.
    /// </summary>
    public AWSOptions ApplicationOptions(IServiceProvider services)
    {
        var registered = _defaultDescriptor is null
            ? services.GetService<AWSOptions>()
            : _applicationDescriptor is { } application ? Instantiate(application, services) : null;
        return registered ?? services.GetService<IConfiguration>()?.GetAWSOptions() ?? new AWSOptions();
    }

    /// <summary>The container's un-keyed <see cref="AWSOptions"/>: the application's, signed by the default profile.</summary>
    public AWSOptions CreateDefaultOptions(IServiceProvider services) => CreateProfileOptions(services, DefaultProfile!);

    /// <summary>A copy of the application's <see cref="AWSOptions"/> whose credentials are <paramref name="profile"/>'s session.</summary>
    /// <exception cref="InvalidOperationException">The profile is not registered, or the application's options set a SessionRoleArn.</exception>
    public AWSOptions CreateProfileOptions(IServiceProvider services, string profile)
    {
        if (UnknownProfileProblem(profile, services.GetRequiredService<CredentialKitRegistry>().Names) is { } unknown)
        {
            throw new InvalidOperationException(unknown);
        }

        var application = ApplicationOptions(services);
        if (SessionRoleProblem(application, profile) is { } sessionRole)
        {
            throw new InvalidOperationException(sessionRole);
        }

        return AwsOptionsCopy.WithCredentials(application, services.GetRequiredKeyedService<AWSCredentials>(profile));
    }

    /// <summary>The problem with asking for <paramref name="profile"/>, or <see langword="null"/> when it is registered.</summary>
    public static string? UnknownProfileProblem(string profile, IReadOnlyList<string> registered)
    {
        if (registered.Contains(profile, StringComparer.Ordinal))
        {
            return null;
        }

        var similar = registered.FirstOrDefault(n => string.Equals(n, profile, StringComparison.OrdinalIgnoreCase));
        var known = registered.Count == 0 ? "no profile is registered" : $"the registered profiles are {string.Join(", ", registered.Select(n => $"'{n}'"))}";
        var hint = similar is null ? string.Empty : $" Did you mean '{similar}'? Profile names are compared ordinally.";
        return $"AWS clients are registered for the CredentialKit profile '{profile}', but no profile has that name; {known}.{hint}";
    }

    /// <summary>The problem with a SessionRoleArn in the application's options, or <see langword="null"/>.</summary>
    public static string? SessionRoleProblem(AWSOptions application, string profile) =>
        string.IsNullOrEmpty(application.SessionRoleArn)
            ? null
            : $"AWS:SessionRoleArn (AWSOptions.SessionRoleArn) is '{application.SessionRoleArn}' while the CredentialKit profile '{profile}' " +
              "signs AWS SDK clients: the SDK would assume that role a second time, on top of the profile's session, with its own cache " +
              "per client. Remove AWS:SessionRoleArn and add the role as the last entry of the profile's Roles instead.";

    private static AWSOptions? Instantiate(ServiceDescriptor descriptor, IServiceProvider services) => descriptor switch
    {
        { ImplementationInstance: AWSOptions instance } => instance,
        { ImplementationFactory: { } factory } => factory(services) as AWSOptions,

        // AddSingleton<AWSOptions>() with the type itself: its public parameterless constructor is all the SDK would use.
        _ => new AWSOptions(),
    };

    private ServiceDescriptor? LastOptionsDescriptor() =>
        _services.LastOrDefault(d => d.ServiceType == typeof(AWSOptions) && !d.IsKeyedService);
}
