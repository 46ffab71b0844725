namespace CredentialKit.LocalSts;

/// <summary>A temporary credential issued by the emulator, as seen by the server (for test inspection).</summary>
public sealed class LocalStsSession
{
    /// <summary>The temporary access key id (starts with <c>ASIA</c>).</summary>
    public required string AccessKeyId { get; init; }

    /// <summary>The fake secret access key.</summary>
    public required string SecretAccessKey { get; init; }

    /// <summary>The session token that must accompany the access key id.</summary>
    public required string SessionToken { get; init; }

    /// <summary>When the session was issued (server clock).</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>When the session expires (server clock, whole seconds). From then on requests signed with it get <c>ExpiredToken</c>.</summary>
    public required DateTimeOffset Expiration { get; init; }

    /// <summary>How the session was obtained.</summary>
    public required LocalStsSessionKind Kind { get; init; }

    /// <summary>The operation that issued the session, for example <c>AssumeRole</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>The account the session belongs to.</summary>
    public required string AccountId { get; init; }

    /// <summary>The session's identity ARN, as returned by GetCallerIdentity (for example
    /// <c>arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION</c>, or the user ARN for GetSessionToken).</summary>
    public required string Arn { get; init; }

    /// <summary>The GetCallerIdentity <c>UserId</c> (for example <c>AROA…:SESSION</c>).</summary>
    public required string UserId { get; init; }

    /// <summary>The assumed role's ARN, or <see langword="null"/> for non-role sessions.</summary>
    public string? RoleArn { get; init; }

    /// <summary>The role session name (or federated user name).</summary>
    public string? RoleSessionName { get; init; }

    /// <summary>The source identity, if one was set.</summary>
    public string? SourceIdentity { get; init; }

    /// <summary>The session tags, including transitive tags inherited from the calling session. Keys are case-insensitive.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The keys of <see cref="Tags"/> that are transitive (passed on to chained sessions).</summary>
    public IReadOnlyList<string> TransitiveTagKeys { get; init; } = [];

    /// <summary>Whether the session was authenticated with MFA.</summary>
    public bool MfaAuthenticated { get; init; }

    /// <summary>The access key id of the caller that obtained this session, or <see langword="null"/> for unsigned federation calls.</summary>
    public string? SourceAccessKeyId { get; init; }

    /// <summary>Whether the session has expired at <paramref name="now"/>.</summary>
    /// <param name="now">The instant to test.</param>
    /// <returns><see langword="true"/> when <paramref name="now"/> is at or after <see cref="Expiration"/>.</returns>
    public bool IsExpiredAt(DateTimeOffset now) => now >= Expiration;

    internal LocalStsSession ExpiredAt(DateTimeOffset now) => new()
    {
        AccessKeyId = AccessKeyId,
        SecretAccessKey = SecretAccessKey,
        SessionToken = SessionToken,
        IssuedAt = IssuedAt,
        Expiration = now < Expiration ? now : Expiration,
        Kind = Kind,
        Operation = Operation,
        AccountId = AccountId,
        Arn = Arn,
        UserId = UserId,
        RoleArn = RoleArn,
        RoleSessionName = RoleSessionName,
        SourceIdentity = SourceIdentity,
        Tags = Tags,
        TransitiveTagKeys = TransitiveTagKeys,
        MfaAuthenticated = MfaAuthenticated,
        SourceAccessKeyId = SourceAccessKeyId,
    };
}
