namespace CredentialKit;

/// <summary>
/// A 200 answer from STS that cannot be used: a credential field is missing, empty or absurd, or a value did not parse.
/// Classified as <see cref="StsErrorClassifier.MalformedResponseCode"/> and transient, as the AWS SDKs treat an
/// unreadable body: a proxy or a truncated read is the likely cause, and the next attempt usually succeeds.
/// </summary>
/// <remarks>The message names the field and the problem only, never the value: the body holds the secret key.</remarks>
internal sealed class MalformedStsResponseException : Exception
{
    public MalformedStsResponseException(string message)
        : base(message)
    {
    }

    public MalformedStsResponseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
