using Microsoft.Extensions.Options;

namespace CredentialKit;

/// <summary>Checks <see cref="CredentialKitOptions"/> at start-up, in the validator's message format.</summary>
internal sealed class CredentialKitOptionsValidator : IValidateOptions<CredentialKitOptions>
{
    public ValidateOptionsResult Validate(string? name, CredentialKitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new ValidationFailures(profileName: null);
        if (options.SessionCache.MemoryCache is null && options.SessionCache.SizeLimit < 1)
        {
            failures.Add("SessionCache:SizeLimit", $"is {options.SessionCache.SizeLimit}", "at least 1 (sessions)");
        }

        if (options.SessionCache.StsRequestsPerSecond is < 0 or > StsRateLimitDefaults.MaximumRequestsPerSecond)
        {
            failures.Add("SessionCache:StsRequestsPerSecond", $"is {options.SessionCache.StsRequestsPerSecond}",
                $"from 0 (no limit) to {StsRateLimitDefaults.MaximumRequestsPerSecond} (STS calls per second)");
        }

        if (options.SessionCache.StsRequestBurst is < 1 or > StsRateLimitDefaults.MaximumBurst)
        {
            failures.Add("SessionCache:StsRequestBurst", $"is {options.SessionCache.StsRequestBurst}",
                $"from 1 to {StsRateLimitDefaults.MaximumBurst} (STS calls)");
        }

        if (options.SessionCache.FleetStsRequestsPerSecond is < 0 or > StsRateLimitDefaults.MaximumRequestsPerSecond)
        {
            failures.Add("SessionCache:FleetStsRequestsPerSecond", $"is {options.SessionCache.FleetStsRequestsPerSecond}",
                $"from 0 (no fleet budget) to {StsRateLimitDefaults.MaximumRequestsPerSecond} (STS calls per second for the whole fleet)");
        }

        if (options.SessionCache.FleetStsRequestBurst is < 1 or > StsRateLimitDefaults.MaximumBurst)
        {
            failures.Add("SessionCache:FleetStsRequestBurst", $"is {options.SessionCache.FleetStsRequestBurst}",
                $"from 1 to {StsRateLimitDefaults.MaximumBurst} (STS calls)");
        }

        List<string> messages = [.. BindingFailures.Of(options), .. failures.Messages];
        return messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(messages);
    }
}
