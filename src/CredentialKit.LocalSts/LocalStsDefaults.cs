namespace CredentialKit.LocalSts;

/// <summary>Defaults of the emulator in one place.</summary>
internal static class LocalStsDefaults
{
    public const string ApiVersion = "2011-06-15";
    public const string XmlNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";
    public const string SamlAudience = "https://signin.aws.amazon.com/saml";
    public const int PackedPolicyBudget = 2048;
    public const string ListenAddress = "127.0.0.1";

    /// <summary>The reserved path prefix of the HTTP control API; STS itself only serves <c>/</c>.</summary>
    public const string ControlPathPrefix = "/_localsts";

    /// <summary>The largest SAML assertion (100,000 characters of base64) percent-encoded in a form body, with room for the
    /// other parameters: about 160 KB in the worst case, so 512 KiB never refuses a real request.</summary>
    public const int MaxRequestBodySize = 512 * 1024;
    public const int MinRequestBodySize = 16 * 1024;
    public const int MaxRequestBodySizeLimit = 30 * 1024 * 1024;

    public const int JournalCapacity = 10_000;
    public const int MaxJournalCapacity = 10_000_000;

    /// <summary>"up to 10 managed policy ARNs" (API reference; the model has no maximum).</summary>
    public const int MaxPolicyArns = 10;


    public static readonly TimeSpan RoleDefaultDuration = TimeSpan.FromHours(1);
    public static readonly TimeSpan SessionTokenDefaultDuration = TimeSpan.FromHours(12);
    public static readonly TimeSpan RoleChainingLimit = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultMaxRequestSkew = TimeSpan.FromMinutes(15);

    /// <summary>How long after its <c>X-Amz-Date</c> STS accepts a presigned request, whatever <c>X-Amz-Expires</c> says.</summary>
    public static readonly TimeSpan PresignedRequestValidity = TimeSpan.FromMinutes(15);

    /// <summary>How many dropped sessions are remembered so their credentials keep getting <c>ExpiredToken</c> even when their
    /// token cannot tell (a session ended early, or dropped under a clock that was then set back): about 10 MB at most.</summary>
    public const int EndedSessionCapacity = 100_000;

    /// <summary>How often (server clock) expired sessions are dropped from the session store.</summary>
    public static readonly TimeSpan SessionPruneInterval = TimeSpan.FromMinutes(1);
}
