namespace CredentialKit.LocalSts;

/// <summary>What an injected <see cref="LocalStsFault"/> does to a request.</summary>
public enum LocalStsFaultKind
{
    /// <summary>Answer with an STS <c>ErrorResponse</c> (code, HTTP status, message).</summary>
    Error,

    /// <summary>Wait (on the server's <see cref="TimeProvider"/>), then process the request normally.</summary>
    Delay,

    /// <summary>Never answer; wait until the client aborts the request or the server stops (then 503 <c>ServiceUnavailable</c>).</summary>
    Hang,

    /// <summary>Abort the connection without a response (<c>HttpContext.Abort()</c>).</summary>
    AbortConnection,

    /// <summary>Answer HTTP 200 with a body that is not valid STS XML.</summary>
    MalformedResponse,
}
