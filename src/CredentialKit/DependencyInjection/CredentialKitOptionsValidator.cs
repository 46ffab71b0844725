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

        List<string> messages = [.. BindingFailures.Of(options), .. failures.Messages];
        return messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(messages);
    }
}
