namespace CredentialKit;

/// <summary>How CredentialKit reaches AWS STS.</summary>
public sealed class StsOptions
{
    /// <summary>Gets or sets the region whose STS endpoint (<c>sts.{region}.amazonaws.com</c>) is called.</summary>
    /// <value>
    /// The default is <see langword="null"/>: the AWS SDK's region resolution (environment, profile), and
    /// <c>us-east-1</c> when it finds none.
    /// </value>
    public string? Region { get; set; }

    /// <summary>
    /// Gets or sets an explicit endpoint URL that overrides <see cref="Region"/> (a local emulator, a VPC endpoint, FIPS).
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Gets or sets the region used in the SigV4 signature scope when <see cref="ServiceUrl"/> is set.</summary>
    public string? AuthenticationRegion { get; set; }

    /// <summary>
    /// Gets the regions tried in order when the primary endpoint keeps failing with transient errors.
    /// Credentials from any region are valid everywhere, so after the primary endpoint's retries end in a transient error
    /// (or <c>RegionDisabledException</c>) the call moves on to these regions' endpoints; each refresh starts again at
    /// the primary. <see cref="SessionCredentials.Region"/> says which region served a session.
    /// </summary>
    public IList<string> FallbackRegions { get; } = new List<string>();

    /// <summary>Returns the endpoint description (region or URL).</summary>
    /// <returns>For example <c>eu-west-1</c> or <c>http://127.0.0.1:4566/</c>.</returns>
    public override string ToString() => (ServiceUrl is { } url ? UrlText.WithoutUserInfo(url) : null) ?? Region ?? "(default region)";
}
