namespace CredentialKit;

/// <summary>
/// Thrown when no usable credentials remain and STS could not issue new ones. Names the profile, the role and the STS
/// error code; the original exception is the <see cref="Exception.InnerException"/>. Never contains a secret.
/// </summary>
public sealed class CredentialRefreshException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">A description of the failure, free of secrets.</param>
    /// <param name="profileName">The profile, when the provider has a name.</param>
    /// <param name="roleArn">The role (or source) whose session could not be issued.</param>
    /// <param name="errorCode">The STS error code (for example <c>AccessDenied</c>), or a CredentialKit code.</param>
    /// <param name="attempts">How many STS attempts were made.</param>
    /// <param name="isTransient">Whether the failure was transient (throttling, 5xx, timeouts, network).</param>
    /// <param name="innerException">The original exception.</param>
    public CredentialRefreshException(
        string message,
        string? profileName,
        string? roleArn,
        string? errorCode,
        int attempts,
        bool isTransient,
        Exception? innerException)
        : base(message, innerException)
    {
        ProfileName = profileName;
        RoleArn = roleArn;
        ErrorCode = errorCode;
        Attempts = attempts;
        IsTransient = isTransient;
    }

    /// <summary>Gets the profile name, when the provider has one.</summary>
    public string? ProfileName { get; }

    /// <summary>Gets the ARN of the role whose session could not be issued.</summary>
    public string? RoleArn { get; }

    /// <summary>Gets the STS error code (<c>AccessDenied</c>, <c>Throttling</c>, …) or a CredentialKit code such as <c>Timeout</c>.</summary>
    public string? ErrorCode { get; }

    /// <summary>Gets the number of STS attempts made before giving up.</summary>
    public int Attempts { get; }

    /// <summary>Gets whether the failure was transient, so that trying again later may succeed.</summary>
    public bool IsTransient { get; }
}
