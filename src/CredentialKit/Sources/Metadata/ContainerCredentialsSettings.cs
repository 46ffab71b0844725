using System.Net;

namespace CredentialKit;

/// <summary>
/// Where the container-credentials endpoint is and how to authorise to it, from the variables ECS and EKS Pod Identity
/// set: <c>AWS_CONTAINER_CREDENTIALS_RELATIVE_URI</c> (wins), else <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> with
/// <c>AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE</c> (wins, read on every fetch) or <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c>.
/// </summary>
internal sealed record ContainerCredentialsSettings(Uri Uri, string? TokenFile, string? Token)
{
    public const string RelativeUri = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
    public const string FullUri = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    public const string AuthorizationToken = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    public const string AuthorizationTokenFile = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";

    /// <summary>Gets how logs and errors name the source: the endpoint without its query (which may carry a secret).</summary>
    public string Subject => $"container({Uri.GetLeftPart(UriPartial.Path)})";

    /// <summary>Whether the environment names a container endpoint at all (the default chain's test).</summary>
    public static bool IsConfigured(SourceEnvironment environment) =>
        environment.Get(RelativeUri) is not null || environment.Get(FullUri) is not null;

    /// <exception cref="ArgumentException">Neither variable is set, the URI is malformed, or its host is not allowed; the message says which.</exception>
    public static ContainerCredentialsSettings From(SourceEnvironment environment)
    {
        Uri uri;
        if (environment.Get(RelativeUri) is { } relative)
        {
            if (!relative.StartsWith('/') || !Uri.TryCreate(MetadataDefaults.EcsHost + relative, UriKind.Absolute, out uri!))
            {
                throw new ArgumentException($"{RelativeUri} '{ValueText.Shorten(relative)}' is not a path starting with '/'.");
            }
        }
        else if (environment.Get(FullUri) is { } full)
        {
            if (!Uri.TryCreate(full, UriKind.Absolute, out uri!) || uri.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"{FullUri} is not an absolute http or https URI.");
            }

            if (uri.Scheme == "http" && !IsAllowedHttpHost(uri))
            {
                throw new ArgumentException(
                    $"{FullUri} names host '{uri.Host}' over http; the AWS SDKs allow http only to loopback, 169.254.170.2, " +
                    "169.254.170.23 or fd00:ec2::23 (use https for any other host).");
            }
        }
        else
        {
            throw new ArgumentException($"neither {RelativeUri} nor {FullUri} is set (the container runtime sets one of them).");
        }

        var tokenFile = environment.Get(AuthorizationTokenFile);
        var token = tokenFile is null ? environment.Get(AuthorizationToken) : null;
        if (token is not null && token.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"{AuthorizationToken} contains a line break, which an HTTP header cannot carry.");
        }

        return new ContainerCredentialsSettings(uri, tokenFile, token);
    }

    /// <summary>Describes the source for the cache key; the token (or its file's content) is not part of it.</summary>
    public string Describe() => new SourceKeyText("container").Add("uri", Uri.ToString()).Add("tokenFile", TokenFile)
        .Add("token", Token is null ? null : CacheKeys.Hash(Token)).ToString();

    private static bool IsAllowedHttpHost(Uri uri)
    {
        if (uri.IsLoopback)
        {
            return true;
        }

        var host = uri.Host;
        return MetadataDefaults.AllowedContainerHosts.Contains(host, StringComparer.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
    }
}
