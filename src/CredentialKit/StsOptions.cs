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
    /// (or <c>RegionDisabledException</c>) the call moves on to these regions' endpoints. The failing endpoint is then
    /// avoided by every provider of the cache for a cool-down (30 s, doubling up to 5 min while it keeps failing), after
    /// which one refresh probes it with one short attempt; <see cref="CredentialProviderStatus.UnavailableEndpoints"/>
    /// lists it meanwhile. <see cref="SessionCredentials.Region"/> says which region served a session.
    /// </summary>
    /// <remarks>
    /// With <see cref="ServiceUrl"/> set (a VPC endpoint, FIPS), every fallback region needs its URL in
    /// <see cref="FallbackServiceUrls"/>: start-up validation refuses the options otherwise, so that a private or FIPS
    /// primary never falls back to a public, non-FIPS endpoint.
    /// </remarks>
    public IList<string> FallbackRegions { get; } = new List<string>();

    /// <summary>
    /// Gets the endpoint URL of each fallback region that is not reached at <c>sts.{region}.amazonaws.com</c>: a VPC
    /// endpoint (<c>https://vpce-….sts.eu-west-1.vpce.amazonaws.com</c>) or FIPS (<c>https://sts-fips.us-west-2.amazonaws.com</c>),
    /// keyed by a region of <see cref="FallbackRegions"/>. Calls to it are signed for that region.
    /// </summary>
    /// <value>Empty by default: each fallback region's regional AWS endpoint.</value>
    public IDictionary<string, string> FallbackServiceUrls { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A private copy, so that later changes to the caller's options do not reach a running provider.</summary>
    internal StsOptions Copy()
    {
        var copy = new StsOptions { Region = Region, ServiceUrl = ServiceUrl, AuthenticationRegion = AuthenticationRegion };
        foreach (var region in FallbackRegions)
        {
            copy.FallbackRegions.Add(region);
        }

        foreach (var (region, url) in FallbackServiceUrls)
        {
            copy.FallbackServiceUrls[region] = url;
        }

        return copy;
    }

    /// <summary>The fallback endpoints in one string (regions in order, each with its URL if it has one), for keys.</summary>
    internal string FallbackKey() =>
        string.Join(',', FallbackRegions.Select(r => FallbackServiceUrls.TryGetValue(r, out var url) ? $"{r}={url}" : r));

    /// <summary>Returns the endpoint description (region or URL).</summary>
    /// <returns>For example <c>eu-west-1</c> or <c>http://127.0.0.1:4566/</c>.</returns>
    public override string ToString() => (ServiceUrl is { } url ? UrlText.WithoutUserInfo(url) : null) ?? Region ?? "(default region)";
}
