using CredentialKit.LocalSts.Protocol;

namespace CredentialKit.LocalSts;

/// <summary>One injected failure; create with the static factories.</summary>
public sealed record LocalStsFault
{
    private LocalStsFault(LocalStsFaultKind kind) => Kind = kind;

    /// <summary>What the fault does.</summary>
    public LocalStsFaultKind Kind { get; }

    /// <summary>The STS error code for <see cref="LocalStsFaultKind.Error"/> faults.</summary>
    public string? Code { get; private init; }

    /// <summary>The HTTP status for <see cref="LocalStsFaultKind.Error"/> faults; 5xx gives <c>Type=Receiver</c>.</summary>
    public int StatusCode { get; private init; }

    /// <summary>The error message for <see cref="LocalStsFaultKind.Error"/> faults.</summary>
    public string? Message { get; private init; }

    /// <summary>The wait of a <see cref="LocalStsFaultKind.Delay"/> fault.</summary>
    public TimeSpan Delay { get; private init; }

    /// <summary>HTTP 400 <c>Throttling</c> / <c>Rate exceeded</c> (the SDK retries it).</summary>
    /// <returns>The fault.</returns>
    public static LocalStsFault Throttling() => Error(StsErrorCodes.Throttling, StsErrorCodes.RateExceededMessage, 400);

    /// <summary>HTTP 500 <c>InternalFailure</c>.</summary>
    /// <returns>The fault.</returns>
    public static LocalStsFault InternalFailure() =>
        Error(StsErrorCodes.InternalFailure, "The request processing has failed because of an unknown error, exception or failure.", 500);

    /// <summary>HTTP 503 <c>ServiceUnavailable</c>.</summary>
    /// <returns>The fault.</returns>
    public static LocalStsFault ServiceUnavailable() =>
        Error(StsErrorCodes.ServiceUnavailable, "The request has failed due to a temporary failure of the server.", 503);

    /// <summary>HTTP 400 <c>IDPCommunicationError</c> (the SDK retries it).</summary>
    /// <returns>The fault.</returns>
    public static LocalStsFault IdpCommunicationError() =>
        Error(StsErrorCodes.IdpCommunicationError, "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements", 400);

    /// <summary>Any STS error.</summary>
    /// <param name="code">The wire error code.</param>
    /// <param name="message">The message.</param>
    /// <param name="statusCode">The HTTP status (4xx: Sender, 5xx: Receiver).</param>
    /// <returns>The fault.</returns>
    public static LocalStsFault Error(string code, string message, int statusCode = 400)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        return new LocalStsFault(LocalStsFaultKind.Error) { Code = code, Message = message, StatusCode = statusCode };
    }

    /// <summary>Waits <paramref name="delay"/> on the server's clock (<c>Task.Delay(delay, timeProvider, ct)</c>), then answers normally.
    /// With a manual clock the request stays pending until the test advances it; disposing the server ends the wait with 503
    /// <c>ServiceUnavailable</c>.</summary>
    /// <param name="delay">The wait.</param>
    /// <returns>The fault.</returns>
    public static LocalStsFault DelayThenRespond(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new LocalStsFault(LocalStsFaultKind.Delay) { Delay = delay };
    }

    /// <summary>Never answers until the client gives up (request aborted) or the server is disposed (then 503
    /// <c>ServiceUnavailable</c>, which clients retry).</summary>
    /// <returns>The fault.</returns>
    public static LocalStsFault Hang() => new(LocalStsFaultKind.Hang);

    /// <summary>Aborts the TCP connection without a response.</summary>
    /// <returns>The fault.</returns>
    public static LocalStsFault AbortConnection() => new(LocalStsFaultKind.AbortConnection);

    /// <summary>Answers HTTP 200 with a body that cannot be unmarshalled (the SDK retries it).</summary>
    /// <returns>The fault.</returns>
    public static LocalStsFault MalformedResponse() => new(LocalStsFaultKind.MalformedResponse);
}
