namespace CredentialKit;

/// <summary>Addresses, headers and limits of the container and instance metadata sources, as the AWS SDKs use them.</summary>
internal static class MetadataDefaults
{
    /// <summary>The ECS agent's address that <c>AWS_CONTAINER_CREDENTIALS_RELATIVE_URI</c> is relative to.</summary>
    public const string EcsHost = "http://169.254.170.2";

    /// <summary>
    /// The hosts an <c>http</c> <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> may name (any host is allowed over <c>https</c>):
    /// the ECS agent, the EKS Pod Identity agent (IPv4 and IPv6), and loopback. Host names other than <c>localhost</c> are
    /// refused rather than resolved: a DNS answer is not proof of a loopback address.
    /// </summary>
    public static readonly string[] AllowedContainerHosts = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost"];

    public static readonly TimeSpan ContainerTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Attempts per fetch of the container endpoint (botocore's), retried at once on a timeout, connection failure or 5xx.</summary>
    public const int ContainerAttempts = 3;

    public const string ImdsIPv4Endpoint = "http://169.254.169.254";
    public const string ImdsIPv6Endpoint = "http://[fd00:ec2::254]";

    /// <summary>IMDS answers within milliseconds on an instance; off one, nobody answers, and the chain should move on.</summary>
    public static readonly TimeSpan ImdsTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The session token lifetime asked of IMDS (its maximum, six hours), re-used until shortly before it ends.</summary>
    public const int ImdsTokenTtlSeconds = 21600;

    /// <summary>A token is replaced this long before IMDS's end of it, so no request carries one that expires on the way.</summary>
    public static readonly TimeSpan ImdsTokenRenewBefore = TimeSpan.FromMinutes(1);

    public const string ImdsTokenPath = "latest/api/token";
    public const string ImdsCredentialsPath = "latest/meta-data/iam/security-credentials/";
    public const string ImdsTokenHeader = "X-aws-ec2-metadata-token";
    public const string ImdsTokenTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
}
