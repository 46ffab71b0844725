namespace CredentialKit.LocalSts.Protocol;

/// <summary>An STS error to be written as an <c>ErrorResponse</c>.</summary>
internal sealed class StsException(string code, string message, int statusCode = 400) : Exception(message)
{
    public string Code { get; } = code;

    public int StatusCode { get; } = statusCode;

    public static StsException Validation(string message) => new(StsErrorCodes.ValidationError, message);

    public static StsException InvalidParameter(string message) => new(StsErrorCodes.InvalidParameterValue, message);

    /// <summary>What the failure was about, when it is an authorization failure an encoded message can describe.</summary>
    public AuthorizationDenial? Denial { get; private init; }

    public static StsException AccessDenied(string message) => new(StsErrorCodes.AccessDenied, message, 403);

    public static StsException NotAuthorized(AuthorizationDenial denial) =>
        new(StsErrorCodes.AccessDenied, denial.Message, 403) { Denial = denial };
}
