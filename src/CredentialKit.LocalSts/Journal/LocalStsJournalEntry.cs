namespace CredentialKit.LocalSts;

/// <summary>One request as the emulator saw it. Secret-bearing parameters (WebIdentityToken, SAMLAssertion, TokenCode, and the
/// query-string X-Amz-Security-Token and X-Amz-Signature) are
/// replaced by <see cref="LocalStsJournal.RedactedValue"/>.</summary>
/// <param name="Timestamp">Server clock when the request arrived.</param>
/// <param name="Operation">The <c>Action</c> parameter (empty when absent).</param>
/// <param name="CallerAccessKeyId">The access key id that signed the request, or <see langword="null"/> when unsigned or rejected before.</param>
/// <param name="CallerArn">The resolved caller ARN, or <see langword="null"/>.</param>
/// <param name="Parameters">The query-string and form parameters (redacted).</param>
/// <param name="Outcome"><c>Success</c>, the error code, or <c>ConnectionAborted</c> / <c>MalformedResponse</c> / <c>RequestAborted</c>.</param>
/// <param name="StatusCode">The HTTP status sent (0 when none was).</param>
/// <param name="IssuedAccessKeyId">The access key id of the session issued, if any.</param>
/// <param name="RequestId">The <c>x-amzn-RequestId</c> sent.</param>
public sealed record LocalStsJournalEntry(
    DateTimeOffset Timestamp,
    string Operation,
    string? CallerAccessKeyId,
    string? CallerArn,
    IReadOnlyDictionary<string, string> Parameters,
    string Outcome,
    int StatusCode,
    string? IssuedAccessKeyId,
    string RequestId)
{
    /// <summary>Whether the request succeeded.</summary>
    public bool Succeeded => Outcome == LocalStsJournal.SuccessOutcome;
}
