using System.Net;
using System.Xml;

namespace CredentialKit;

/// <summary>
/// A response body that may be read only up to a limit. Reading past it (or a declared <c>Content-Length</c> above
/// it) fails with <see cref="StsResponseTooLargeException"/> before the excess is read, so nothing is buffered whole.
/// </summary>
/// <remarks>
/// The body is also bound to the request's cancellation (the attempt timeout, or the edge's own request bound): when it
/// fires, the connection is closed under any read in progress, which then fails as cancelled (or, when the edge's bound
/// ran out, as a <see cref="TimeoutException"/>). The SDK reads the body with calls that do not all observe a token, so
/// without this a body trickling a byte every few seconds keeps a request alive past its timeout.
/// </remarks>
internal sealed class CappedContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly HttpEdge _edge;
    private readonly CancellationToken _abortOn;
    private readonly RequestBound? _bound;
    private readonly CancellationTokenRegistration _abort;

    /// <param name="inner">The body as received.</param>
    /// <param name="edge">The limit and the endpoint's name for messages.</param>
    /// <param name="abortOn">Closes the connection under a read in progress when it fires.</param>
    /// <param name="bound">The request's time limit, if the edge set one; disposed with this content.</param>
    public CappedContent(HttpContent inner, HttpEdge edge, CancellationToken abortOn = default, RequestBound? bound = null)
    {
        _inner = inner;
        _edge = edge;
        _abortOn = abortOn;
        _bound = bound;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        // Disposing the content closes the connection's stream: the documented way to abort a blocked read.
        _abort = abortOn.CanBeCanceled ? abortOn.Register(static state => ((HttpContent)state!).Dispose(), inner) : default;
    }

    protected override async Task<Stream> CreateContentReadStreamAsync() =>
        new CappedStream(await _inner.ReadAsStreamAsync().ConfigureAwait(false), this);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new CappedStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), this);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _abort.Dispose();
            _inner.Dispose();
            _bound?.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class CappedStream(Stream inner, CappedContent owner) : Stream
    {
        private readonly long _limit = owner._edge.MaximumResponseBytes;
        private readonly long? _declaredLength = owner._inner.Headers.ContentLength;
        private readonly CancellationToken _abortOn = owner._abortOn;
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return Count(inner.Read(buffer, offset, Allowed(count)));
            }
            catch (Exception e) when (_abortOn.IsCancellationRequested && e is IOException or ObjectDisposedException or HttpRequestException)
            {
                throw Aborted(e);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return Count(await inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (_abortOn.IsCancellationRequested && e is IOException or ObjectDisposedException or HttpRequestException)
            {
                throw Aborted(e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        // The read failed because a timeout closed the connection: the edge's own bound is a timeout; the attempt's
        // timeout (or the caller) a cancellation, as the pipeline expects.
        private Exception Aborted(Exception e) => owner._bound is { TimedOut: true } bound
            ? new TimeoutException($"The {owner._edge.EndpointName}'s response body was still being read when its {ValueText.Duration(bound.Timeout)} ran out.", e)
            : new OperationCanceledException($"The {owner._edge.EndpointName}'s response body was still being read when the attempt was cancelled.", e, _abortOn);

        // Ask for at most one byte past the limit: enough to tell "exactly at the limit" from "over it".
        private int Allowed(int count)
        {
            if (_declaredLength > _limit)
            {
                throw new StsResponseTooLargeException(owner._edge.EndpointName, _limit);
            }

            return (int)Math.Min(count, Math.Max(1, _limit + 1 - _read));
        }

        private int Count(int read)
        {
            _read += read;
            return _read > _limit ? throw new StsResponseTooLargeException(owner._edge.EndpointName, _limit) : read;
        }
    }
}

/// <summary>A response body (of STS or another AWS endpoint) longer than CredentialKit reads.</summary>
/// <remarks>
/// An <see cref="XmlException"/> on purpose: to the SDK and to CredentialKit's classifier it is a response that could
/// not be read, that is a transient <c>MalformedResponse</c>, retried like a truncated one.
/// </remarks>
internal sealed class StsResponseTooLargeException(string endpointName, long limit)
    : XmlException($"The {endpointName}'s response is longer than {limit} bytes, the most CredentialKit reads; it was not read further.");
