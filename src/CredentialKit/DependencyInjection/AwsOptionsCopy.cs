using System.Reflection;
using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;

namespace CredentialKit;

/// <summary>
/// Copies an application's <see cref="AWSOptions"/> with other credentials, so a CredentialKit profile can sign clients
/// without changing the object the application registered (it may hand the same one to other code).
/// </summary>
internal static class AwsOptionsCopy
{
    // DefaultClientConfig's setter is internal to the SDK, so its values are copied one by one. Reading the properties of a
    // type named here is trim-safe: the trimmer keeps what typeof(DefaultClientConfig).GetProperties() needs.
    private static readonly PropertyInfo[] ClientConfigProperties = typeof(DefaultClientConfig)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0)
        .ToArray();

    /// <summary>Returns a copy of <paramref name="source"/> whose <see cref="AWSOptions.Credentials"/> is <paramref name="credentials"/>.</summary>
    public static AWSOptions WithCredentials(AWSOptions source, AWSCredentials credentials)
    {
        var copy = new AWSOptions
        {
            Profile = source.Profile,
            ProfilesLocation = source.ProfilesLocation,
            Region = source.Region,
            SessionRoleArn = source.SessionRoleArn,
            SessionName = source.SessionName,
            ExternalId = source.ExternalId,
            DefaultConfigurationMode = source.DefaultConfigurationMode,
            Logging = source.Logging,
            Credentials = credentials,
        };
        foreach (var property in ClientConfigProperties)
        {
            property.SetValue(copy.DefaultClientConfig, property.GetValue(source.DefaultClientConfig));
        }

        foreach (var (key, value) in source.DefaultClientConfig.ServiceSpecificSettings)
        {
            copy.DefaultClientConfig.ServiceSpecificSettings[key] = value;
        }

        return copy;
    }
}
