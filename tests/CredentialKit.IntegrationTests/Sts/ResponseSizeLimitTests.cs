using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;

namespace CredentialKit.IntegrationTests.Sts;

/// <summary>
/// Issue #10.6: a response far larger than any STS answer fails as a transient MalformedResponse, read no further
/// than the cap, instead of being buffered whole. The server is a raw loopback socket that streams a 64 MB body.
/// </summary>
public sealed class ResponseSizeLimitTests
{
    private const long BodyBytes = 64L * 1024 * 1024;

    [Theory]
    [InlineData(true)]  // a declared Content-Length
    [InlineData(false)] // chunked: the size is only known by reading
    public async Task HugeResponse_FailsAsTransientMalformedResponse_WithoutReadingItAll(bool declareLength)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var sent = 0L;
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(stop.Token);
            await using var stream = new NetworkStream(socket);
            var request = new byte[64 * 1024];
            _ = await stream.ReadAsync(request, stop.Token);
            var header = declareLength
                ? $"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {BodyBytes}\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(header), stop.Token);
            var chunk = Encoding.ASCII.GetBytes("<GetCallerIdentityResponse>" + new string(' ', (64 * 1024) - 27));
            try
            {
                while (sent < BodyBytes)
                {
                    var frame = declareLength ? chunk : [.. Encoding.ASCII.GetBytes($"{chunk.Length:X}\r\n"), .. chunk, .. "\r\n"u8.ToArray()];
                    await stream.WriteAsync(frame, stop.Token);
                    Interlocked.Add(ref sent, chunk.Length);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The client stopped reading and closed the connection: what the cap is for.
            }
        });

        using var client = StsClientFactory.Instance.CreateClient(
            new BasicAWSCredentials(LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey),
            new StsOptions { ServiceUrl = $"http://127.0.0.1:{port}", AuthenticationRegion = "us-east-1" });
        var error = await Record.ExceptionAsync(() => client.GetCallerIdentityAsync(new GetCallerIdentityRequest()).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.NotNull(error);
        Assert.Equal(StsErrorClassifier.MalformedResponseCode, StsErrorClassifier.GetErrorCode(error));
        Assert.True(StsErrorClassifier.IsTransient(error));
        await stop.CancelAsync();
        await server.WaitAsync(TimeSpan.FromSeconds(30));

        // The client read at most the cap plus socket buffers; nothing near the 64 MB the server had to send.
        Assert.True(Interlocked.Read(ref sent) < 16L * 1024 * 1024, $"the server wrote {Interlocked.Read(ref sent)} bytes");
    }

    [Fact]
    public async Task CappedContent_StopsReadingOneByteAfterTheLimit()
    {
        var source = new CountingStream(10 * 1024 * 1024);
        using var content = new CappedContent(new StreamContent(source), HttpEdge.Sts);
        await using var stream = await content.ReadAsStreamAsync();
        var buffer = new byte[81920];

        await Assert.ThrowsAsync<StsResponseTooLargeException>(async () =>
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        });

        Assert.InRange(source.BytesRead, (1024 * 1024) + 1, (1024 * 1024) + 1);
    }

    [Fact]
    public async Task CappedContent_BodyWithinTheLimit_ReadWhole()
    {
        using var content = new CappedContent(new StringContent(new string('x', 1024 * 1024)), HttpEdge.Sts);

        var text = await content.ReadAsStringAsync();

        Assert.Equal(1024 * 1024, text.Length);
    }

    /// <summary>An endless-looking body that counts what was pulled from it.</summary>
    private sealed class CountingStream(long length) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - BytesRead);
            buffer.AsSpan(offset, n).Fill((byte)' ');
            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
