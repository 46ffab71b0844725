namespace CredentialKit;

/// <summary>
/// What CredentialKit's HTTP edge (<see cref="AwsResponseHandler"/>) enforces for one kind of AWS endpoint: how errors
/// name it, how much of an answer is read, and, where nothing above bounds a request, how long one may take.
/// </summary>
/// <param name="EndpointName">How messages name the endpoint, for example <c>STS endpoint</c> or <c>SSO portal</c>.</param>
/// <param name="MaximumResponseBytes">The most of a response body that is read.</param>
/// <param name="RequestTimeout">
/// The bound of one HTTP request (headers and body), on <paramref name="Time"/>; <see langword="null"/> when the caller
/// bounds each request itself (STS: the pipeline's attempt timeout).
/// </param>
/// <param name="Time">The clock <paramref name="RequestTimeout"/> runs on.</param>
internal sealed record HttpEdge(string EndpointName, long MaximumResponseBytes, TimeSpan? RequestTimeout = null, TimeProvider? Time = null)
{
    /// <summary>The most of a response body that is read. An AWS response is a few KB; 1 MB leaves room for any proxy page.</summary>
    public const long DefaultMaximumResponseBytes = 1024 * 1024;

    /// <summary>Gets the edge of every STS client: CredentialKit's pipeline times each attempt out (Refresh:AttemptTimeout).</summary>
    public static HttpEdge Sts { get; } = new("STS endpoint", DefaultMaximumResponseBytes);

    /// <summary>Bounds a request on <see cref="RequestTimeout"/>, or returns <see langword="null"/> when this edge does not.</summary>
    public RequestBound? Bound(CancellationToken cancellationToken) =>
        RequestTimeout is { } timeout ? new RequestBound(timeout, Time ?? TimeProvider.System, cancellationToken) : null;
}

/// <summary>
/// The time limit of one HTTP request, linked with the caller's cancellation; owned by the response body that outlives
/// the send (<see cref="CappedContent"/>), which disposes it.
/// </summary>
internal sealed class RequestBound : IDisposable
{
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _linked;

    public RequestBound(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Timeout = timeout;
        _deadline = new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token, cancellationToken);
    }

    public TimeSpan Timeout { get; }

    /// <summary>Gets the token the request and the reading of its body run under.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Gets whether the limit ran out (rather than the caller cancelling).</summary>
    public bool TimedOut => _deadline.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _deadline.Dispose();
    }
}
