namespace CredentialKit;

/// <summary>Checks <see cref="RefreshOptions"/>; every message shows the configured value and the allowed range.</summary>
internal static class RefreshOptionsValidator
{
    private const string Path = "Refresh";

    public static readonly TimeSpan MaximumRefreshAhead = TimeSpan.FromHours(12);
    public static readonly TimeSpan MaximumMinimumLifetime = TimeSpan.FromHours(1);
    public const int MaximumRetryAttempts = 10;
    public static readonly TimeSpan MaximumRetryBaseDelay = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaximumRetryMaxDelay = TimeSpan.FromMinutes(5);

    /// <summary>Polly's timeout strategy rejects anything shorter.</summary>
    public static readonly TimeSpan MinimumAttemptTimeout = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan MaximumAttemptTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinimumFailedRefreshRetryDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaximumFailedRefreshRetryDelay = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaximumErrorCacheDuration = TimeSpan.FromMinutes(10);

    public static void Validate(RefreshOptions refresh, ValidationFailures failures)
    {
        InRange(failures, "MinimumLifetime", refresh.MinimumLifetime, TimeSpan.Zero, MaximumMinimumLifetime, "0 to 1 hour");
        ValidateRefreshAhead(refresh, failures);

        // Written so that NaN fails too: every comparison with NaN is false.
        if (!(refresh.JitterFraction >= 0 && refresh.JitterFraction <= 1))
        {
            failures.Add($"{Path}:JitterFraction", $"is {ValueText.Number(refresh.JitterFraction)}", "0 to 1 (share of the refresh-ahead window)");
        }

        if (refresh.MaxRetryAttempts is < 0 or > MaximumRetryAttempts)
        {
            failures.Add($"{Path}:MaxRetryAttempts", $"is {refresh.MaxRetryAttempts}", $"0 to {MaximumRetryAttempts} (retries after the first attempt)");
        }

        InRange(failures, "RetryBaseDelay", refresh.RetryBaseDelay, TimeSpan.Zero, MaximumRetryBaseDelay, "0 to 1 minute");
        ValidateRetryMaxDelay(refresh, failures);
        InRange(failures, "AttemptTimeout", refresh.AttemptTimeout, MinimumAttemptTimeout, MaximumAttemptTimeout, "10 milliseconds to 5 minutes");
        InRange(
            failures, "FailedRefreshRetryDelay", refresh.FailedRefreshRetryDelay, MinimumFailedRefreshRetryDelay, MaximumFailedRefreshRetryDelay, "1 second to 1 hour");
        InRange(failures, "ErrorCacheDuration", refresh.ErrorCacheDuration, TimeSpan.Zero, MaximumErrorCacheDuration, "0 to 10 minutes; 0 disables the error cache");
    }

    /// <summary>
    /// Checks that the refresh-ahead window and the minimum lifetime fit every hop's session: each at most half of the
    /// hop's <see cref="AssumeRoleOptions.Duration"/> (1 hour when unset), as the hop will really get it: a hop assumed
    /// with another role's session (role chaining) gets at most one hour, whatever it asks for. A window as long as the
    /// session would refresh it as soon as it arrived, over and over; at run time CredentialKit also caps the window at half
    /// of each session's actual lifetime, but a configuration that can never fit is refused at start-up.
    /// </summary>
    /// <param name="refresh">The refresh settings.</param>
    /// <param name="hops">Every hop of the chain, in order: those a shared-config profile expands to, then Roles.</param>
    /// <param name="failures">Collects the failures.</param>
    public static void ValidateAgainstHops(RefreshOptions refresh, IEnumerable<PlannedHop> hops, ValidationFailures failures)
    {
        foreach (var (role, durationKey, chained) in hops)
        {
            if (role is null)
            {
                continue;
            }

            var duration = role.Duration ?? RefreshDefaults.SessionDuration;
            if (duration < StsLimits.MinimumSessionDuration || duration > StsLimits.MaximumSessionDuration)
            {
                continue; // reported by the hop's own Duration rule
            }

            var granted = chained && duration > RefreshDefaults.RoleChainingMaximum ? RefreshDefaults.RoleChainingMaximum : duration;
            var half = TimeSpan.FromTicks((long)(granted.Ticks * RefreshDefaults.MaximumWindowShare));
            var durationText = role.Duration is null
                ? $"{durationKey} (unset: {ValueText.Duration(duration)})"
                : granted != duration
                    ? $"{durationKey} ({ValueText.Duration(duration)}, which role chaining cuts to {ValueText.Duration(granted)})"
                    : $"{durationKey} ({ValueText.Duration(duration)})";
            // Values outside their own range are reported once, by their own rule.
            if (refresh.RefreshAhead is { } ahead && ahead > refresh.MinimumLifetime && ahead <= MaximumRefreshAhead && ahead > half)
            {
                failures.Add($"{Path}:RefreshAhead", role.RoleArn, $"is {ValueText.Duration(ahead)}, more than half of {durationText}",
                    $"at most {ValueText.Duration(half)} (half the hop's session Duration), or unset for 25 % of each session's lifetime");
            }

            if (refresh.MinimumLifetime <= MaximumMinimumLifetime && refresh.MinimumLifetime > half)
            {
                failures.Add($"{Path}:MinimumLifetime", role.RoleArn, $"is {ValueText.Duration(refresh.MinimumLifetime)}, more than half of {durationText}",
                    $"at most {ValueText.Duration(half)} (half the hop's session Duration)");
            }
        }
    }

    private static void ValidateRefreshAhead(RefreshOptions refresh, ValidationFailures failures)
    {
        if (refresh.RefreshAhead is not { } ahead)
        {
            return;
        }

        var allowed =
            $"more than Refresh:MinimumLifetime ({ValueText.Duration(refresh.MinimumLifetime)}) and at most " +
            $"{ValueText.Duration(MaximumRefreshAhead)} (12 hours), or unset for 25 % of the session's lifetime";
        if (ahead <= refresh.MinimumLifetime)
        {
            failures.Add($"{Path}:RefreshAhead", $"is {ValueText.Duration(ahead)}, not more than Refresh:MinimumLifetime", allowed);
        }
        else if (ahead > MaximumRefreshAhead)
        {
            failures.Add($"{Path}:RefreshAhead", $"is {ValueText.Duration(ahead)}", allowed);
        }
    }

    private static void ValidateRetryMaxDelay(RefreshOptions refresh, ValidationFailures failures)
    {
        var value = refresh.RetryMaxDelay;
        var allowed =
            $"at least Refresh:RetryBaseDelay ({ValueText.Duration(refresh.RetryBaseDelay)}) and at most " +
            $"{ValueText.Duration(MaximumRetryMaxDelay)} (5 minutes)";
        if (value < refresh.RetryBaseDelay)
        {
            failures.Add($"{Path}:RetryMaxDelay", $"is {ValueText.Duration(value)}, less than Refresh:RetryBaseDelay", allowed);
        }
        else if (value < TimeSpan.Zero || value > MaximumRetryMaxDelay)
        {
            failures.Add($"{Path}:RetryMaxDelay", $"is {ValueText.Duration(value)}", allowed);
        }
    }

    private static void InRange(ValidationFailures failures, string name, TimeSpan value, TimeSpan min, TimeSpan max, string words)
    {
        if (value < min || value > max)
        {
            failures.Add($"{Path}:{name}", $"is {ValueText.Duration(value)}", $"{ValueText.Duration(min)} to {ValueText.Duration(max)} ({words})");
        }
    }
}

/// <summary>One hop of a chain as start-up checks its lifetime.</summary>
/// <param name="Role">The hop.</param>
/// <param name="DurationKey">How messages name its duration setting (<c>Roles:0:Duration</c>, a profile's <c>duration_seconds</c>).</param>
/// <param name="Chained">Whether it is assumed with a role session, so STS grants it at most one hour.</param>
internal readonly record struct PlannedHop(AssumeRoleOptions? Role, string DurationKey, bool Chained);
