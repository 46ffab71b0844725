using Amazon.Runtime;

namespace CredentialKit;

/// <summary>Turns the final exception of a pipelined STS call into the one exception callers catch.</summary>
internal static class StsFailures
{
    /// <summary>
    /// Wraps <paramref name="exception"/> in a <see cref="CredentialRefreshException"/> naming the call, the profile, the
    /// STS error code and the attempts, with STS's own message (which never carries a secret) appended.
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
        var detail = exception is AmazonServiceException { Message.Length: > 0 } service ? $" {service.Message}" : string.Empty;
        return new CredentialRefreshException(
            $"{call}{RefreshingSession.ProfileSuffix(profileName)}: STS answered {code} after {attempts} attempt(s).{detail}",
            profileName, roleArn, code, attempts, StsErrorClassifier.IsTransient(exception), exception);
    }
}
