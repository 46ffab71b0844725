namespace CredentialKit;

/// <summary>
/// What each configuration setting allows, for the message of a value that does not even convert: the setting's own range
/// (<c>Refresh:MaxRetryAttempts</c> takes 0–10), not the range of its .NET type.
/// </summary>
/// <remarks>Keys are setting paths with list indices written <c>*</c>; the limits come from the validators' constants.</remarks>
internal static class ConfigurationRanges
{
    private const string Hms = "a duration written hh:mm:ss";

    private static readonly Dictionary<string, string> Allowed = new(StringComparer.OrdinalIgnoreCase)
    {
        ["WarmUpOnStart"] = "true or false",
        ["SessionCache:SizeLimit"] = "a whole number of sessions, at least 1",
        ["SessionCache:StsRequestsPerSecond"] = $"a whole number of STS calls per second from 0 (no limit) to {StsRateLimitDefaults.MaximumRequestsPerSecond}",
        ["SessionCache:PerRoleMetrics"] = "true or false",
        ["AwsSdk:RaiseThreadPoolMinimumWhileBlocked"] = "true or false",
        ["SessionCache:StsRequestBurst"] = $"a whole number of STS calls from 1 to {StsRateLimitDefaults.MaximumBurst}",
        ["SessionCache:FleetStsRequestsPerSecond"] = $"a whole number of STS calls per second for the whole fleet from 0 (no fleet budget) to {StsRateLimitDefaults.MaximumRequestsPerSecond}",
        ["SessionCache:FleetStsRequestBurst"] = $"a whole number of STS calls from 1 to {StsRateLimitDefaults.MaximumBurst}",
        ["Refresh:RefreshAhead"] = $"{Hms}, more than Refresh:MinimumLifetime and at most {ValueText.Duration(RefreshOptionsValidator.MaximumRefreshAhead)} (12 hours), or unset for 25 % of the session's lifetime",
        ["Refresh:MinimumLifetime"] = $"{Hms} from 00:00:00 to {ValueText.Duration(RefreshOptionsValidator.MaximumMinimumLifetime)} (1 hour)",
        ["Refresh:JitterFraction"] = "a number from 0 to 1 written with a '.' decimal point, for example 0.5 (share of the refresh-ahead window)",
        ["Refresh:MaxRetryAttempts"] = $"a whole number from 0 to {RefreshOptionsValidator.MaximumRetryAttempts} (retries after the first attempt)",
        ["Refresh:RetryBaseDelay"] = $"{Hms} from 00:00:00 to {ValueText.Duration(RefreshOptionsValidator.MaximumRetryBaseDelay)} (1 minute)",
        ["Refresh:RetryMaxDelay"] = $"{Hms}, at least Refresh:RetryBaseDelay and at most {ValueText.Duration(RefreshOptionsValidator.MaximumRetryMaxDelay)} (5 minutes)",
        ["Refresh:AttemptTimeout"] = $"{Hms} from {ValueText.Duration(RefreshOptionsValidator.MinimumAttemptTimeout)} to {ValueText.Duration(RefreshOptionsValidator.MaximumAttemptTimeout)} (10 milliseconds to 5 minutes)",
        ["Refresh:FailedRefreshRetryDelay"] = $"{Hms} from {ValueText.Duration(RefreshOptionsValidator.MinimumFailedRefreshRetryDelay)} to {ValueText.Duration(RefreshOptionsValidator.MaximumFailedRefreshRetryDelay)} (1 second to 1 hour)",
        ["Refresh:ErrorCacheDuration"] = $"{Hms} from 00:00:00 to {ValueText.Duration(RefreshOptionsValidator.MaximumErrorCacheDuration)} (10 minutes); 0 disables the error cache",
        ["Refresh:BackgroundRefresh"] = "true or false",
        ["Roles:*:Duration"] = $"{Hms} from {ValueText.Duration(StsLimits.MinimumSessionDuration)} to {ValueText.Duration(StsLimits.MaximumSessionDuration)} in whole seconds (900–43200 s)",
        ["Source:Duration"] = $"{Hms} from {ValueText.Duration(StsLimits.MinimumSessionDuration)} to {ValueText.Duration(StsLimits.MaximumTokenDuration)} in whole seconds (12:00:00 at most for WebIdentity and Saml)",
    };

    /// <summary>Returns what the setting at <paramref name="path"/> allows, or <see langword="null"/> when it has no range of its own.</summary>
    /// <param name="path">The key path below the options' section, for example <c>Roles:1:Duration</c>.</param>
    public static string? For(string path)
    {
        var parts = path.Split(':');
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length > 0 && parts[i].All(char.IsAsciiDigit))
            {
                parts[i] = "*";
            }
        }

        return Allowed.GetValueOrDefault(string.Join(':', parts));
    }
}
