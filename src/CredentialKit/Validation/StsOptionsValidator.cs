namespace CredentialKit;

/// <summary>Checks <see cref="StsOptions"/>: region names, the endpoint URL, the fallback list and its URLs.</summary>
/// <remarks>An empty string counts as unset, as the STS client factory treats it.</remarks>
internal static class StsOptionsValidator
{
    private const string Path = "Sts";
    private const string RegionAllowed = "a region name such as eu-west-1, us-gov-west-1 or cn-north-1";

    public static void Validate(StsOptions sts, ValidationFailures failures)
    {
        ValidateRegion($"{Path}:Region", sts.Region, failures);
        ValidateRegion($"{Path}:AuthenticationRegion", sts.AuthenticationRegion, failures);
        const string UrlAllowed = "an absolute http:// or https:// URL such as https://sts.eu-west-1.amazonaws.com or http://127.0.0.1:4566/, without user info";
        if (UrlText.HasUserInfo(sts.ServiceUrl))
        {
            // Never printed: the user info is a credential, and the URL is quoted without it.
            failures.Add(
                $"{Path}:ServiceUrl",
                $"is {ValueText.Quote(UrlText.WithoutUserInfo(sts.ServiceUrl!))}, which has user info (user:password@); CredentialKit never sends or prints it",
                UrlAllowed);
        }
        else if (!string.IsNullOrEmpty(sts.ServiceUrl) && !IsHttpUrl(sts.ServiceUrl))
        {
            failures.Add(
                $"{Path}:ServiceUrl",
                $"is {ValueText.Quote(sts.ServiceUrl)}, which is not an absolute http or https URL",
                UrlAllowed);
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < sts.FallbackRegions.Count; i++)
        {
            var region = sts.FallbackRegions[i];
            var path = $"{Path}:FallbackRegions:{i}";
            const string Allowed = RegionAllowed + ", each once and other than Sts:Region";
            if (string.IsNullOrEmpty(region))
            {
                failures.Add(path, region is null ? "is null" : "is empty", Allowed);
            }
            else if (!StsLimits.IsRegionName(region))
            {
                failures.Add(path, $"is {ValueText.Quote(region)}, which is not a region name", Allowed);
            }
            else if (seen.TryGetValue(region, out var first))
            {
                failures.Add(path, $"is {ValueText.Quote(region)}, which Sts:FallbackRegions:{first} already lists", Allowed);
            }
            else if (string.Equals(region, sts.Region, StringComparison.Ordinal))
            {
                failures.Add(path, $"is {ValueText.Quote(region)}, which is Sts:Region itself", Allowed);
            }

            if (region is not null)
            {
                seen.TryAdd(region, i);
            }
        }

        ValidateFallbackUrls(sts, failures);
    }

    /// <summary>
    /// Each <see cref="StsOptions.FallbackServiceUrls"/> entry names a fallback region and is an http(s) URL; with a custom
    /// primary URL, every fallback region has one, so that a VPC-endpoint or FIPS primary never falls back to a public one.
    /// </summary>
    private static void ValidateFallbackUrls(StsOptions sts, ValidationFailures failures)
    {
        const string UrlAllowed = "an absolute http:// or https:// URL such as https://sts-fips.us-west-2.amazonaws.com or https://vpce-0abc-1234.sts.eu-west-1.vpce.amazonaws.com, without user info";
        foreach (var (region, url) in sts.FallbackServiceUrls.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var path = $"{Path}:FallbackServiceUrls:{region}";
            if (!sts.FallbackRegions.Contains(region))
            {
                failures.Add(path, $"names region {ValueText.Quote(region)}, which Sts:FallbackRegions does not list", "a region listed in Sts:FallbackRegions");
            }

            if (string.IsNullOrEmpty(url))
            {
                failures.Add(path, url is null ? "is null" : "is empty", UrlAllowed);
            }
            else if (UrlText.HasUserInfo(url))
            {
                failures.Add(path, $"is {ValueText.Quote(UrlText.WithoutUserInfo(url))}, which has user info (user:password@); CredentialKit never sends or prints it", UrlAllowed);
            }
            else if (!IsHttpUrl(url))
            {
                failures.Add(path, $"is {ValueText.Quote(url)}, which is not an absolute http or https URL", UrlAllowed);
            }
        }

        if (string.IsNullOrEmpty(sts.ServiceUrl))
        {
            return;
        }

        for (var i = 0; i < sts.FallbackRegions.Count; i++)
        {
            var region = sts.FallbackRegions[i];
            if (!string.IsNullOrEmpty(region) && !sts.FallbackServiceUrls.ContainsKey(region))
            {
                failures.Add(
                    $"{Path}:FallbackServiceUrls:{region}",
                    $"is not set, but Sts:ServiceUrl is ({ValueText.Quote(UrlText.WithoutUserInfo(sts.ServiceUrl))}) and Sts:FallbackRegions:{i} is {ValueText.Quote(region)}: " +
                    $"without its own URL the fallback would go to the public endpoint sts.{region}.amazonaws.com, not a VPC endpoint or FIPS like the primary",
                    $"the endpoint URL to use in {region} (a VPC endpoint or FIPS URL), or remove {region} from Sts:FallbackRegions");
            }
        }
    }

    private static void ValidateRegion(string path, string? region, ValidationFailures failures)
    {
        if (!string.IsNullOrEmpty(region) && !StsLimits.IsRegionName(region))
        {
            failures.Add(path, $"is {ValueText.Quote(region)}, which is not a region name", RegionAllowed);
        }
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0
        && uri.UserInfo.Length == 0;
}
