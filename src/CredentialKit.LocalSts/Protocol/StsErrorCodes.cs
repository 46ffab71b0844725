namespace CredentialKit.LocalSts.Protocol;

/// <summary>Wire error codes and fixed messages (sts-facts §2–§4).</summary>
internal static class StsErrorCodes
{
    public const string ValidationError = "ValidationError";
    public const string InvalidParameterValue = "InvalidParameterValue";
    public const string AccessDenied = "AccessDenied";
    public const string InvalidAction = "InvalidAction";
    public const string InvalidClientTokenId = "InvalidClientTokenId";
    public const string SignatureDoesNotMatch = "SignatureDoesNotMatch";
    public const string IncompleteSignature = "IncompleteSignature";
    public const string MissingAuthenticationToken = "MissingAuthenticationToken";
    public const string ExpiredToken = "ExpiredToken";
    public const string ExpiredTokenException = "ExpiredTokenException";
    public const string RequestExpired = "RequestExpired";
    public const string Throttling = "Throttling";
    public const string InternalFailure = "InternalFailure";
    public const string ServiceUnavailable = "ServiceUnavailable";
    public const string IdpCommunicationError = "IDPCommunicationError";
    public const string IdpRejectedClaim = "IDPRejectedClaim";
    public const string InvalidIdentityToken = "InvalidIdentityToken";
    public const string PackedPolicyTooLarge = "PackedPolicyTooLarge";
    public const string MalformedPolicyDocument = "MalformedPolicyDocument";
    public const string RequestEntityTooLarge = "RequestEntityTooLarge";
    public const string MethodNotAllowed = "MethodNotAllowed";
    public const string InvalidAuthorizationMessage = "InvalidAuthorizationMessageException";

    public const string ChainingLimitMessage = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.";
    public const string MaxSessionDurationMessage = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.";
    public const string DuplicateTagKeysMessage = "Duplicate tag keys found. Please note that Tag keys are case insensitive.";
    public const string TransitiveNotInTagsMessage = "The specified transitive tag key must be included in the requested tags.";
    public const string TransitiveConflictMessage = "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.";
    public const string InvalidClientTokenIdMessage = "The security token included in the request is invalid.";
    public const string ExpiredTokenMessage = "The security token included in the request is expired";
    public const string SignatureDoesNotMatchMessage = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    public const string MissingAuthenticationTokenMessage = "Request is missing Authentication Token";
    public const string RateExceededMessage = "Rate exceeded";
    public const string InvalidMfaCodeMessage = "MultiFactorAuthentication failed with invalid MFA one time pass code.";
    public const string MalformedPolicyMessage = "The policy is not in the valid JSON format.";
    public const string InvalidAuthorizationMessageMessage = "The encoded authorization message is invalid: it was not issued by this endpoint, or it was changed.";
    public const string UnknownAccessKeyMessage = "The access key id is neither a key of this endpoint's world nor in AWS's access key id format, so its account cannot be told.";
    public const string ShuttingDownMessage = "The request has failed due to a temporary failure of the server: LocalSts is shutting down.";
    public const string PresignedExpiredMessage = "Request has expired.";
    public const string ReservedTagKeyMessage = "Tag keys that begin with the reserved prefix 'aws:' cannot be set.";
    public const string SourceIdentityPrefixMessage = "SourceIdentity cannot begin with the reserved prefix 'aws:'.";

    public static bool IsRetryableStatus(int status) => status >= 500;
}
