using Amazon.Runtime;
using Amazon.SecurityToken;

namespace CredentialKit;

/// <summary>Turns the final exception of a pipelined STS call into the one exception callers catch.</summary>
/// <remarks>
/// Text that came back from STS, or from a proxy pretending to be STS, is echoed only through
/// <see cref="SecretRedaction.Echoed"/>: STS's error model defines a code, a type and a message, and a proxy's page or a
/// reflected request can put anything in the message, including a secret. The inner exception is rebuilt the same way,
/// because loggers print inner exceptions' messages too.
/// </remarks>
internal static class StsFailures
{
    /// <summary>
    /// Wraps <paramref name="exception"/> in a <see cref="CredentialRefreshException"/> naming the call, the profile, the
    /// STS error code and the attempts, with STS's own message (made safe) appended.
    /// </summary>
    /// <param name="exception">The final exception; a <see cref="CredentialRefreshException"/> passes through as it is.</param>
    /// <param name="attempts">How many attempts the pipeline made.</param>
    /// <param name="call">What was attempted, for example <c>Could not assume role arn:…</c>.</param>
    /// <param name="roleArn">The role (or source) whose session could not be issued.</param>
    /// <param name="profileName">The profile, if named.</param>
    public static CredentialRefreshException From(Exception exception, int attempts, string call, string roleArn, string? profileName)
    {
        if (exception is CredentialRefreshException refresh)
        {
            return refresh;
        }

        var code = StsErrorClassifier.GetErrorCode(exception);
        var inner = SafeInner(exception);
        var message = inner switch
        {
            AmazonServiceException service => SecretRedaction.Echoed(service.Message),
            MalformedStsResponseException malformed => malformed.Message,
            StsRedirectRefusedException redirect => redirect.Message,
            _ => string.Empty,
        };
        var detail = message.Length > 0 ? $" {message}" : string.Empty;
        return new CredentialRefreshException(
            $"{call}{RefreshingSession.ProfileSuffix(profileName)}: STS answered {code} after {attempts} attempt(s).{detail}",
            profileName, roleArn, code, attempts, StsErrorClassifier.IsTransient(exception), inner);
    }

    /// <summary>
    /// Returns <paramref name="exception"/> when nothing in it was echoed from the wire, or a copy that keeps only STS's
    /// error model (code, type, status, request id) with the message made safe.
    /// </summary>
    internal static Exception SafeInner(Exception exception)
    {
        switch (exception)
        {
            case AmazonServiceException service:
                var safe = SecretRedaction.Echoed(service.Message);
                if (string.Equals(safe, service.Message, StringComparison.Ordinal))
                {
                    return exception;
                }

                return new AmazonSecurityTokenServiceException(
                    safe, innerException: null, service.ErrorType, StsErrorClassifier.GetErrorCode(service), service.RequestId, service.StatusCode);
            case AmazonUnmarshallingException or System.Xml.XmlException:
                // Their messages quote the body (AmazonUnmarshallingException appends it whole), and a 200 body holds the secret key.
                return new MalformedStsResponseException("STS answered with a body that could not be read.");
            default:
                return exception;
        }
    }
}
