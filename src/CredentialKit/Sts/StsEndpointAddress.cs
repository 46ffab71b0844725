namespace CredentialKit;

/// <summary>
/// One STS endpoint of a profile: the client settings that reach it, the region it serves, and the name it is known by in
/// health, logs, metrics and status (its URL without user info, or its region).
/// </summary>
/// <param name="Name">The endpoint's name: also the key its health is shared under within a cache.</param>
/// <param name="Region">The region, when known.</param>
/// <param name="ClientOptions">What the <see cref="IStsClientFactory"/> gets to create its client.</param>
internal sealed record StsEndpointAddress(string Name, string? Region, StsOptions ClientOptions)
{
    /// <summary>The name of the primary endpoint when neither a region nor a URL is set (the SDK resolves the region).</summary>
    public const string DefaultRegionName = "(default region)";

    /// <summary>The endpoints <paramref name="sts"/> describes, primary first, then one per fallback region in order.</summary>
    public static StsEndpointAddress[] Of(StsOptions sts)
    {
        var endpoints = new StsEndpointAddress[1 + sts.FallbackRegions.Count];
        var primaryRegion = !string.IsNullOrEmpty(sts.Region) ? sts.Region
            : !string.IsNullOrEmpty(sts.AuthenticationRegion) ? sts.AuthenticationRegion
            : null;
        endpoints[0] = new StsEndpointAddress(NameOf(sts.ServiceUrl, primaryRegion), primaryRegion, sts);
        for (var i = 0; i < sts.FallbackRegions.Count; i++)
        {
            var region = sts.FallbackRegions[i];

            // ServiceUrl and AuthenticationRegion describe the primary endpoint only: a fallback region is its regional
            // AWS endpoint, or the URL given for it (a VPC endpoint, FIPS), signed for that region.
            var options = sts.FallbackServiceUrls.TryGetValue(region, out var url) && !string.IsNullOrEmpty(url)
                ? new StsOptions { ServiceUrl = url, AuthenticationRegion = region }
                : new StsOptions { Region = region };
            endpoints[i + 1] = new StsEndpointAddress(NameOf(options.ServiceUrl, region), region, options);
        }

        return endpoints;
    }

    private static string NameOf(string? serviceUrl, string? region) =>
        !string.IsNullOrEmpty(serviceUrl) ? UrlText.WithoutUserInfo(serviceUrl) : region ?? DefaultRegionName;
}
