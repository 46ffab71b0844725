using System.Text.Json;

namespace CredentialKit.LocalSts;

/// <summary>Configuration of a <see cref="LocalStsServer"/>: the identity model and the emulator's behaviour switches.</summary>
public sealed class LocalStsOptions
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The emulated accounts.</summary>
    public List<LocalStsAccount> Accounts { get; set; } = [];

    /// <summary>The loopback port Kestrel binds to on 127.0.0.1; 0 picks a free port.</summary>
    /// <value>Default 0.</value>
    public int Port { get; set; }

    /// <summary>Whether SigV4 signatures are recomputed and checked. When off, the caller is still taken from the
    /// <c>Credential</c> of the Authorization header, but the signature is not compared.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool VerifySignatures { get; set; } = true;

    /// <summary>When set, requests whose <c>X-Amz-Date</c> is further than this from the server's clock fail with
    /// <c>RequestExpired</c>. Off by default because tests move a manual clock while the SDK signs with wall-clock time.</summary>
    /// <value>Default <see langword="null"/> (no skew check).</value>
    public TimeSpan? MaxRequestSkew { get; set; }

    /// <summary>When set, every issued session lasts exactly this long, whatever DurationSeconds asked for
    /// (the requested value is still validated). Useful to show several refresh cycles a minute.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public TimeSpan? SessionLifetimeOverride { get; set; }

    /// <summary>Token-bucket rate limit per account applied from start; can be changed later with
    /// <see cref="LocalStsFaults.SetRateLimit"/>.</summary>
    /// <value>Default <see langword="null"/> (unlimited).</value>
    public LocalStsRateLimit? RateLimit { get; set; }

    /// <summary>The character budget that makes 100 % in the packed-size estimate (see <see cref="LocalStsServer"/> remarks).</summary>
    /// <value>Default 2048.</value>
    public int PackedPolicyBudget { get; set; } = LocalStsDefaults.PackedPolicyBudget;

    /// <summary>Adds an account and returns it for further configuration.</summary>
    /// <param name="accountId">The 12-digit account id.</param>
    /// <returns>The new account.</returns>
    public LocalStsAccount AddAccount(string accountId)
    {
        var account = new LocalStsAccount(accountId);
        Accounts.Add(account);
        return account;
    }

    /// <summary>Creates the ready-made demo world described by <see cref="LocalStsDemo"/>.</summary>
    /// <returns>New options holding the demo accounts.</returns>
    public static LocalStsOptions CreateDemo() => LocalStsDemo.CreateOptions();

    /// <summary>Reads options from a JSON file whose shape mirrors this class (property names case-insensitive,
    /// TimeSpans as <c>"01:00:00"</c>). Unknown properties are rejected.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The options.</returns>
    /// <exception cref="InvalidOperationException">The file is not valid JSON for this shape.</exception>
    public static LocalStsOptions LoadFromJsonFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromJson(File.ReadAllText(path));
    }

    /// <summary>Parses options from JSON text (see <see cref="LoadFromJsonFile"/>).</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The options.</returns>
    /// <exception cref="InvalidOperationException">The text is not valid JSON for this shape.</exception>
    public static LocalStsOptions FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<LocalStsOptions>(json, JsonOptions)
                ?? throw new InvalidOperationException("The LocalSts configuration is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The LocalSts configuration is invalid: {ex.Message}", ex);
        }
    }

    internal void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Port must be between 0 and 65535.");
        }

        if (PackedPolicyBudget <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(PackedPolicyBudget), PackedPolicyBudget, "PackedPolicyBudget must be positive.");
        }

        if (SessionLifetimeOverride is { } life && life <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(SessionLifetimeOverride), life, "SessionLifetimeOverride must be positive.");
        }

        foreach (var account in Accounts)
        {
            if (account.AccountId.Length != 12 || !account.AccountId.All(char.IsAsciiDigit))
            {
                throw new ArgumentException($"Account id '{account.AccountId}' must be 12 digits.", nameof(Accounts));
            }

            foreach (var role in account.Roles)
            {
                if (role.MaxSessionDuration < TimeSpan.FromHours(1) || role.MaxSessionDuration > TimeSpan.FromHours(12))
                {
                    throw new ArgumentOutOfRangeException(nameof(Accounts), role.MaxSessionDuration,
                        $"Role '{role.RoleName}' MaxSessionDuration must be between 1 and 12 hours.");
                }
            }
        }
    }
}
