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

    /// <summary>The port Kestrel binds to on <see cref="ListenAddress"/>; 0 picks a free port.</summary>
    /// <value>Default 0.</value>
    public int Port { get; set; }

    /// <summary>The IP address Kestrel listens on. Anything other than a loopback address exposes the emulator (and its
    /// fake keys) to the network; the control API still answers loopback clients only unless
    /// <see cref="AllowRemoteControlApi"/> is set.</summary>
    /// <value>Default <c>127.0.0.1</c>.</value>
    public string ListenAddress { get; set; } = LocalStsDefaults.ListenAddress;

    /// <summary>Whether the HTTP control API (faults, outage, rate limit, clock offset, sessions, journal, reset, token minting)
    /// is served under <c>/_localsts/</c> on the same port.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool EnableControlApi { get; set; } = true;

    /// <summary>Whether the control API answers clients that are not on a loopback address (for example from another
    /// container). Off, such requests get 403.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool AllowRemoteControlApi { get; set; }

    /// <summary>Whether SigV4 signatures are recomputed and checked. When off, the caller is still taken from the
    /// <c>Credential</c> of the Authorization header, but the signature is not compared.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool VerifySignatures { get; set; } = true;

    /// <summary>How far a request's <c>X-Amz-Date</c> may be from the server's clock. Beyond it STS answers 403
    /// <c>SignatureDoesNotMatch</c> with <c>Signature expired: … is now earlier than … (… - 15 min.)</c>, or
    /// <c>Signature not yet current: … is still later than … (… + 15 min.)</c> for a date in the future.
    /// <see langword="null"/> turns the check off: do that when the server runs on a simulated clock (a manual
    /// <see cref="TimeProvider"/> far from the wall clock) while the AWS SDK signs with the machine's clock.</summary>
    /// <value>Default 15 minutes, as AWS.</value>
    public TimeSpan? MaxRequestSkew { get; set; } = LocalStsDefaults.DefaultMaxRequestSkew;

    /// <summary>When not empty, the SigV4 credential scope must name one of these regions; otherwise 403
    /// <c>SignatureDoesNotMatch</c> <c>Credential should be scoped to a valid region.</c>, as a real regional endpoint answers.</summary>
    /// <value>Default empty (any region).</value>
    public List<string> AllowedRegions { get; set; } = [];

    /// <summary>The largest request body accepted, in bytes. A larger one gets 413 in STS's error shape without being read.</summary>
    /// <value>Default 524,288 (512 KiB, room for the largest SAML assertion); allowed 16,384 – 31,457,280.</value>
    public int MaxRequestBodySize { get; set; } = LocalStsDefaults.MaxRequestBodySize;

    /// <summary>Whether every issued session is kept, expired or not, for a test that inspects them all after the fact (for
    /// example to search logs for every secret ever issued). Off, expired sessions are dropped so a long run stays flat.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool RetainExpiredSessions { get; set; }

    /// <summary>Whether an <c>AccessDenied</c> that is an authorization failure (<c>User: … is not authorized to perform: … on
    /// resource: …</c>) carries an encoded authorization message, as other AWS services' denials do:
    /// <c>… on resource: ARN. Encoded authorization failure message: …</c>. <c>DecodeAuthorizationMessage</c> decodes it. STS
    /// itself does not append one, so this is off unless a test exercises decoding.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool EncodeAuthorizationMessages { get; set; }

    /// <summary>How many requests the journal keeps; older entries are dropped first (a ring), so a long run stays flat.</summary>
    /// <value>Default 10,000; allowed 1 – 10,000,000.</value>
    public int JournalCapacity { get; set; } = LocalStsDefaults.JournalCapacity;

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

        if (!System.Net.IPAddress.TryParse(ListenAddress, out _))
        {
            throw new ArgumentException(
                $"ListenAddress '{ListenAddress}' is not an IP address; use for example 127.0.0.1, ::1 or 0.0.0.0.", nameof(ListenAddress));
        }

        if (MaxRequestSkew is { } skew && skew <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestSkew), skew, "MaxRequestSkew must be positive, or null to turn the check off.");
        }

        if (MaxRequestBodySize is < LocalStsDefaults.MinRequestBodySize or > LocalStsDefaults.MaxRequestBodySizeLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBodySize), MaxRequestBodySize,
                $"MaxRequestBodySize must be between {LocalStsDefaults.MinRequestBodySize} and {LocalStsDefaults.MaxRequestBodySizeLimit} bytes.");
        }

        if (JournalCapacity is < 1 or > LocalStsDefaults.MaxJournalCapacity)
        {
            throw new ArgumentOutOfRangeException(nameof(JournalCapacity), JournalCapacity,
                $"JournalCapacity must be between 1 and {LocalStsDefaults.MaxJournalCapacity}.");
        }

        if (AllowedRegions.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("AllowedRegions must not contain an empty region name.", nameof(AllowedRegions));
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
