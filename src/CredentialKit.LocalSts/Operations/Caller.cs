namespace CredentialKit.LocalSts.Operations;

/// <summary>The authenticated principal behind a signed request: an IAM user (long-term key) or an issued session.</summary>
internal sealed record Caller(string AccessKeyId, string AccountId, string Arn, string UserId, LocalStsUser? User, LocalStsSession? Session)
{
    public bool IsLongTermUser => Session is null;

    public bool IsRoleSession => Session?.Kind == LocalStsSessionKind.AssumedRole;

    /// <summary>The IAM user behind the caller (long-term key or GetSessionToken session), if any.</summary>
    public string? UserArn => User is not null ? Arn : Session?.Kind == LocalStsSessionKind.SessionToken ? Session.Arn : null;
}
