namespace CredentialKit;

/// <summary>Describes a session for <see cref="ICredentialProvider.GetStatus"/>: its state, what it holds (masked) and its refresh record.</summary>
internal static class SessionStatuses
{
    public static CredentialProviderStatus Describe(
        string roleArn, SessionSnapshot? snapshot, ClockReading now, bool disposed, long refreshCount, string? lastError)
    {
        var state = disposed ? CredentialProviderState.Disposed
            : snapshot is null || snapshot.ExpiresAt.IsReachedAt(now) ? CredentialProviderState.NoCredentials
            : snapshot.UsableUntil.IsReachedAt(now) ? CredentialProviderState.BelowMinimumLifetime
            : lastError is not null ? CredentialProviderState.ServingCachedAfterFailure
            : CredentialProviderState.Fresh;
        return new CredentialProviderStatus(
            state,
            roleArn,
            snapshot?.Credentials.Expiration,
            snapshot?.ExpiresAt.RemainingAt(now),
            refreshCount,
            lastError,
            snapshot is null ? null : SecretRedaction.MaskAccessKeyId(snapshot.Credentials.AccessKeyId))
        {
            ClockSkew = snapshot?.Skew,
        };
    }

    /// <summary>Describes a session's plan (instants on the local clock), for test failure messages; no secret.</summary>
    public static string DescribeSchedule(
        SessionSnapshot? snapshot, ClockReading now, bool inflight, bool held, RefreshFailurePolicy failures, long refreshes, bool timer) =>
        $"now {now}, refreshAt {snapshot?.RefreshAt}, usableUntil {snapshot?.UsableUntil}, expiresAt {snapshot?.ExpiresAt}, " +
        $"skew {snapshot?.Skew}, inflight {inflight}, held {held}, retryAt {failures.RetryAt:O}, failures {failures.ConsecutiveFailures}, " +
        $"refreshes {refreshes}, timer {timer}";
}
