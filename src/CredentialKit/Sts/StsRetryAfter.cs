using System.Globalization;
using System.Net;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace CredentialKit;

/// <summary>
/// The <c>Retry-After</c> of a throttled (429) or unavailable (503) STS answer: how long the endpoint asked to be left
/// alone. The retry waits that long instead of its own backoff, never longer than <see cref="RefreshOptions.RetryMaxDelay"/>
/// (a proxy may ask for hours; a refresh must not stall behind it).
/// </summary>
internal static class StsRetryAfter
{
    /// <summary>The delay <paramref name="exception"/>'s answer asked for, bounded by <paramref name="maxDelay"/>; <see langword="null"/> when none.</summary>
    public static TimeSpan? From(Exception? exception, TimeSpan maxDelay, DateTimeOffset now)
    {
        if (exception is not AmazonServiceException { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable } service
            || service.InnerException is not HttpErrorResponseException { Response: { } response }
            || response.GetHeaderValue("Retry-After") is not { Length: > 0 } value)
        {
            return null;
        }

        TimeSpan? delay = null;
        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            delay = TimeSpan.FromSeconds(seconds);
        }
        else if (DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            delay = at - now;
        }

        return delay is not { } d ? null : d < TimeSpan.Zero ? TimeSpan.Zero : d > maxDelay ? maxDelay : d;
    }
}
