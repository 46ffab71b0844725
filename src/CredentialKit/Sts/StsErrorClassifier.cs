using System.Net;
using System.Net.Sockets;
using System.Xml;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Transform;
using Polly.Timeout;

namespace CredentialKit;

/// <summary>
/// Sorts STS failures into transient (retry with backoff) and terminal (fail at once), following the AWS SDKs'
/// standard retry rules (shared/sts-facts.md §4).
/// </summary>
internal static partial class StsErrorClassifier
{
    /// <summary>The error code given to an attempt that ran past <see cref="RefreshOptions.AttemptTimeout"/>.</summary>
    public const string TimeoutCode = "Timeout";

    /// <summary>The error code given to a response body that could not be read.</summary>
    public const string MalformedResponseCode = "MalformedResponse";

    /// <summary>The error code given to an error whose code is not shaped like an STS error code and that has no HTTP status.</summary>
    public const string UnrecognizedErrorCode = "UnrecognizedError";

    /// <summary>The error code given to a redirect (3xx) from the STS endpoint, which is never followed.</summary>
    public const string RedirectCode = "Redirect";

    /// <summary>The error code given to a connection or transport failure.</summary>
    public const string NetworkErrorCode = "NetworkError";

    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    };

    private static readonly HashSet<string> TransientCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "RequestTimeout", "RequestTimeoutException", "IDPCommunicationError", "InternalFailure", "InternalError",
        "ServiceUnavailable",
    };

    /// <summary>
    /// Whether STS rejected the requested duration as above the role's MaxSessionDuration (a ValidationError whose text
    /// names it): the one validation error a provider can recover from on its own, by asking for one hour.
    /// </summary>
    public static bool IsAboveMaxSessionDuration(AmazonServiceException e) =>
        e.ErrorCode == "ValidationError" && e.Message?.Contains("MaxSessionDuration", StringComparison.Ordinal) == true;

    public static bool IsThrottling(string? errorCode) => errorCode is not null && ThrottlingCodes.Contains(errorCode);

    public static bool IsTransient(Exception exception)
    {
        switch (exception)
        {
            case StsRedirectRefusedException:
                // The next attempt would be redirected again; and a redirect is never followed.
                return false;
            case XmlException or AmazonUnmarshallingException or MalformedStsResponseException:
                // A 200 whose body could not be read (truncated, garbled by a proxy): the AWS SDKs retry these too.
                return true;
            case AmazonServiceException service when service.ErrorCode is { Length: > 0 } code:
                // 429 and 5xx are transient whatever the body says: a proxy's page carries no STS code.
                return ThrottlingCodes.Contains(code) || TransientCodes.Contains(code) || IsTransientStatus(service.StatusCode)
                    || (service.InnerException is { } inner && IsTransport(inner));
            case AmazonServiceException { StatusCode: not 0 } service:
                // No error code: a body that is not STS's (an HTML page). The HTTP status decides.
                return IsTransientStatus(service.StatusCode) || (service.InnerException is { } cause && IsTransport(cause));
            case AmazonServiceException service:
                // No status either: a response that could not be read, or a transport failure wrapped by the SDK.
                return service.InnerException is null || IsTransport(service.InnerException);
            case TimeoutRejectedException or TimeoutException:
                return true;
            case OperationCanceledException:
                // Not the caller's or the provider's cancellation (those never reach here): an HTTP timeout.
                return true;
            default:
                return IsTransport(exception);
        }
    }

    public static string GetErrorCode(Exception exception) => exception switch
    {
        CredentialRefreshException refresh when refresh.ErrorCode is not null => refresh.ErrorCode,
        StsRedirectRefusedException => RedirectCode,
        XmlException or AmazonUnmarshallingException or MalformedStsResponseException => MalformedResponseCode,
        AmazonServiceException { ErrorCode.Length: > 0 } service => SafeCode(service),
        AmazonServiceException { StatusCode: not 0 } service => ((int)service.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
        TimeoutRejectedException or TimeoutException or OperationCanceledException => TimeoutCode,
        _ when IsTransport(exception) => NetworkErrorCode,
        AmazonClientException => "ClientError",
        _ => exception.GetType().Name,
    };

    /// <summary>
    /// The error code as STS's error model writes it (a short identifier). Anything else came from a proxy or a garbled
    /// body and may carry arbitrary text, so the HTTP status stands in for it: the code reaches messages, logs and metric tags.
    /// </summary>
    private static string SafeCode(AmazonServiceException service) =>
        ErrorCodeShape().IsMatch(service.ErrorCode)
            ? service.ErrorCode
            : service.StatusCode == 0 ? UnrecognizedErrorCode : ((int)service.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z][A-Za-z0-9._-]{0,63}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ErrorCodeShape();

    private static bool IsTransientStatus(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static bool IsTransport(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException or IOException or SocketException or WebException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }
}
