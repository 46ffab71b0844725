namespace CredentialKit;

/// <summary>
/// How to reach the instance metadata service, from the variables the AWS SDKs read: <c>AWS_EC2_METADATA_DISABLED</c>,
/// <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c> (else <c>AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE</c> IPv4 or IPv6) and
/// <c>AWS_EC2_METADATA_V1_DISABLED</c>.
/// </summary>
/// <param name="Endpoint">The service's base URI (ends with <c>/</c>).</param>
/// <param name="AllowV1Fallback">Whether IMDSv1 may be used when the token request is refused or unanswered.</param>
internal sealed record InstanceMetadataSettings(Uri Endpoint, bool AllowV1Fallback)
{
    public const string Disabled = "AWS_EC2_METADATA_DISABLED";
    public const string EndpointVariable = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
    public const string EndpointMode = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
    public const string V1Disabled = "AWS_EC2_METADATA_V1_DISABLED";

    /// <summary>Gets how logs and errors name the source.</summary>
    public string Subject => $"imds({Endpoint.GetLeftPart(UriPartial.Authority)})";

    /// <summary>Whether <c>AWS_EC2_METADATA_DISABLED</c> turns IMDS off (the SDKs accept <c>true</c>, in any case).</summary>
    public static bool IsDisabled(SourceEnvironment environment) =>
        string.Equals(environment.Get(Disabled)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    /// <exception cref="ArgumentException">IMDS is disabled, or the endpoint or mode is malformed; the message says which.</exception>
    public static InstanceMetadataSettings From(SourceEnvironment environment)
    {
        if (IsDisabled(environment))
        {
            throw new ArgumentException($"{Disabled} is true, which turns instance metadata off.");
        }

        string endpoint;
        if (environment.Get(EndpointVariable) is { } configured)
        {
            endpoint = configured;
        }
        else
        {
            var mode = environment.Get(EndpointMode) ?? "IPv4";
            endpoint = mode.Equals("IPv4", StringComparison.OrdinalIgnoreCase) ? MetadataDefaults.ImdsIPv4Endpoint
                : mode.Equals("IPv6", StringComparison.OrdinalIgnoreCase) ? MetadataDefaults.ImdsIPv6Endpoint
                : throw new ArgumentException($"{EndpointMode} is '{ValueText.Shorten(mode)}', not IPv4 or IPv6.");
        }

        if (!Uri.TryCreate(endpoint.EndsWith('/') ? endpoint : endpoint + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"{EndpointVariable} '{ValueText.Shorten(endpoint)}' is not an absolute http or https URI.");
        }

        var v1Disabled = string.Equals(environment.Get(V1Disabled)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        return new InstanceMetadataSettings(uri, AllowV1Fallback: !v1Disabled);
    }

    /// <summary>Describes the source for the cache key.</summary>
    public string Describe() => new SourceKeyText("imds").Add("endpoint", Endpoint.ToString()).Add("v1", AllowV1Fallback ? "fallback" : "off").ToString();
}
