using Microsoft.Extensions.DependencyInjection;

namespace CredentialKit;

/// <summary>One AWS client registered through CredentialKit: the profile that signs it, its type, its key and its descriptor.</summary>
/// <param name="Profile">The CredentialKit profile that signs the client.</param>
/// <param name="Client">The service interface, such as <c>IAmazonS3</c>.</param>
/// <param name="ServiceKey">The service key, or <see langword="null"/> for an un-keyed client.</param>
/// <param name="Descriptor">The registration in the service collection.</param>
internal sealed record AwsClientRegistration(string Profile, Type Client, object? ServiceKey, ServiceDescriptor Descriptor)
{
    /// <summary>The call that made the registration, as the application wrote it (for messages).</summary>
    public string Call => ServiceKey switch
    {
        null => $"AddAWSService<{Client.Name}>(\"{Profile}\")",
        string key when key == Profile => $"AddKeyedAWSService<{Client.Name}>(\"{Profile}\")",
        var key => $"AddKeyedAWSService<{Client.Name}>({(key is string s ? $"\"{s}\"" : key)}, \"{Profile}\")",
    };
}
