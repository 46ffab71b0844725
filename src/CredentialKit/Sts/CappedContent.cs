using System.Net;
using System.Xml;

namespace CredentialKit;

/// <summary>
/// A response body that may be read only up to a limit. Reading past it (or a declared <c>Content-Length</c> above
/// it) fails with <see cref="StsResponseTooLargeException"/> before the excess is read, so nothing is buffered whole.
/// </summary>
internal sealed class CappedContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly long _limit;

    public CappedContent(HttpContent inner, long limit)
    {
        _inner = inner;
        _limit = limit;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync() =>
        new CappedStream(await _inner.ReadAsStreamAsync().ConfigureAwait(false), _limit, _inner.Headers.ContentLength);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new CappedStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _limit, _inner.Headers.ContentLength);

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
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class CappedStream(Stream inner, long limit, long? declaredLength) : Stream
    {
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

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, Allowed(count)));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken).ConfigureAwait(false));

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

        // Ask for at most one byte past the limit: enough to tell "exactly at the limit" from "over it".
        private int Allowed(int count)
        {
            if (declaredLength > limit)
            {
                throw new StsResponseTooLargeException(limit);
            }

            return (int)Math.Min(count, Math.Max(1, limit + 1 - _read));
        }

        private int Count(int read)
        {
            _read += read;
            return _read > limit ? throw new StsResponseTooLargeException(limit) : read;
        }
    }
}

/// <summary>An STS response body longer than CredentialKit reads.</summary>
/// <remarks>
/// An <see cref="XmlException"/> on purpose: to the SDK and to CredentialKit's classifier it is a response that could
/// not be read, that is a transient <c>MalformedResponse</c>, retried like a truncated one.
/// </remarks>
internal sealed class StsResponseTooLargeException(long limit)
    : XmlException($"The STS response is longer than {limit} bytes, the most CredentialKit reads; it was not read further.");
