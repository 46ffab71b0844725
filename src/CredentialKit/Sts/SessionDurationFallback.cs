using Amazon.Runtime;
using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// The duration a hop asks STS for, falling back once — and for good — to the one hour every role allows when STS
/// answers that the requested duration exceeds the role's MaxSessionDuration. Shared by every role-assuming fetcher.
/// </summary>
internal sealed class SessionDurationFallback(TimeSpan requested)
{
    private TimeSpan? _fallback;

    /// <summary>Gets the duration to ask for now.</summary>
    public TimeSpan Current => _fallback ?? requested;

    /// <summary>
    /// Switches to one hour when <paramref name="exception"/> is STS refusing the duration as above the role's
    /// MaxSessionDuration and a shorter duration is left to try; logs a warning. Returns whether the call should be
    /// retried with <see cref="Current"/>.
    /// </summary>
    public bool TryFallBack(Exception exception, ILogger logger, string roleArn)
    {
        if (exception is not AmazonServiceException service
            || !StsErrorClassifier.IsAboveMaxSessionDuration(service)
            || Current <= RefreshDefaults.RoleChainingMaximum)
        {
            return false;
        }

        // The role allows less than asked: keep the service working with the one hour every role allows.
        Log.DurationAboveMaxSessionDuration(logger, roleArn, Current, RefreshDefaults.RoleChainingMaximum);
        _fallback = RefreshDefaults.RoleChainingMaximum;
        return true;
    }
}
