using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CredentialKit.Redis;

/// <summary>
/// Checks <see cref="RedisSharedSessionStoreOptions"/> at start-up (with <c>ValidateOnStart</c>) and in the store's
/// constructor; each message names the setting, the value's problem and what is allowed.
/// </summary>
internal sealed class RedisSharedSessionStoreOptionsValidator : IValidateOptions<RedisSharedSessionStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisSharedSessionStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static void ThrowIfInvalid(RedisSharedSessionStoreOptions options)
    {
        var failures = Check(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(RedisSharedSessionStoreOptions), failures);
        }
    }

    private static List<string> Check(RedisSharedSessionStoreOptions options)
    {
        const string Section = "RedisSharedSessionStoreOptions.";
        var failures = new List<string>();
        var hasConfiguration = !string.IsNullOrWhiteSpace(options.Configuration);
        if (options.ConnectionMultiplexer is null && !hasConfiguration)
        {
            failures.Add($"{Section}ConnectionMultiplexer or {Section}Configuration is required (neither is set, and no IConnectionMultiplexer is registered); set exactly one.");
        }
        else if (options.ConnectionMultiplexer is not null && hasConfiguration)
        {
            failures.Add($"{Section}ConnectionMultiplexer and {Section}Configuration are both set; set exactly one.");
        }
        else if (hasConfiguration)
        {
            try
            {
                _ = ConfigurationOptions.Parse(options.Configuration!);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or NotSupportedException)
            {
                // Not the value nor the parser's message: the string may carry a password.
                failures.Add($"{Section}Configuration is not a valid StackExchange.Redis configuration string ({ex.GetType().Name}); expected for example 'redis:6379,ssl=true'.");
            }
        }

        if (options.DataProtectionProvider is null)
        {
            failures.Add($"{Section}DataProtectionProvider is required (not set, and no IDataProtectionProvider is registered); every process of the fleet needs the same key ring.");
        }

        var prefix = options.KeyPrefix;
        if (string.IsNullOrEmpty(prefix) || prefix.Length > RedisSharedSessionStoreDefaults.MaxKeyPrefixLength)
        {
            failures.Add($"{Section}KeyPrefix has {prefix?.Length ?? 0} characters; allowed: 1 to {RedisSharedSessionStoreDefaults.MaxKeyPrefixLength}.");
        }
        else if (prefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '*' or '?' or '[' or ']'))
        {
            failures.Add($"{Section}KeyPrefix '{prefix}' contains white space, a control character or one of *?[]; allowed: printable characters without those.");
        }

        if (options.OperationTimeout < RedisSharedSessionStoreDefaults.MinOperationTimeout || options.OperationTimeout > RedisSharedSessionStoreDefaults.MaxOperationTimeout)
        {
            failures.Add($"{Section}OperationTimeout is {options.OperationTimeout}; allowed: {RedisSharedSessionStoreDefaults.MinOperationTimeout} to {RedisSharedSessionStoreDefaults.MaxOperationTimeout}.");
        }

        if (options.CircuitBreakDuration < RedisSharedSessionStoreDefaults.MinCircuitBreakDuration || options.CircuitBreakDuration > RedisSharedSessionStoreDefaults.MaxCircuitBreakDuration)
        {
            failures.Add($"{Section}CircuitBreakDuration is {options.CircuitBreakDuration}; allowed: {RedisSharedSessionStoreDefaults.MinCircuitBreakDuration} to {RedisSharedSessionStoreDefaults.MaxCircuitBreakDuration}.");
        }

        return failures;
    }
}
