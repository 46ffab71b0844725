using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CredentialKit.IntegrationTests.Helpers;

/// <summary>One request as <see cref="RawHttpServer"/> read it: the request line and headers as sent, and the body.</summary>
internal sealed record RawHttpRequest(string Head, string Body)
{
    /// <summary>The value of a form parameter of the body (<c>Action</c>, <c>RoleArn</c>, …), URL-decoded.</summary>
    public string? Form(string name) =>
        Body.Split('&').Select(p => p.Split('=', 2)).Where(p => p.Length == 2 && p[0] == name)
            .Select(p => Uri.UnescapeDataString(p[1])).FirstOrDefault();
}

/// <summary>
/// A loopback HTTP/1.1 server on a raw socket that answers each request with whatever the test writes, byte for byte: a
/// redirect, a page that is not STS's, a body trickled slowly. Every connection is closed after one answer. Records every
/// request it read, so a test can prove that nothing reached it.
/// </summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<RawHttpRequest, Stream, CancellationToken, Task> _answer;
    private readonly ConcurrentQueue<RawHttpRequest> _requests = new();
    private readonly Task _loop;
    private int _connections;

    /// <param name="answer">Writes the answer to one request (status line, headers and body) to the stream.</param>
    public RawHttpServer(Func<RawHttpRequest, Stream, CancellationToken, Task> answer)
    {
        _answer = answer;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/";

    /// <summary>Gets every request read, oldest first.</summary>
    public IReadOnlyList<RawHttpRequest> Requests => [.. _requests];

    /// <summary>Gets how many connections were accepted (a request that never got sent still opens one).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Writes a whole answer: status, headers (<c>Content-Length</c> and <c>Connection: close</c> added) and body.</summary>
    public static Task WriteAsync(Stream stream, string status, string body, CancellationToken cancellationToken, params string[] headers)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder($"HTTP/1.1 {status}\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        head.Append($"Content-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
        byte[] all = [.. Encoding.ASCII.GetBytes(head.ToString()), .. bytes];
        return stream.WriteAsync(all, cancellationToken).AsTask();
    }

    /// <summary>An STS AssumeRole success for <paramref name="request"/>, with <paramref name="sessionArn"/> as the assumed-role ARN.</summary>
    public static string AssumeRoleSuccess(string sessionArn, DateTimeOffset expiration, string secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY00", string token = "RawServerSessionTokenOnOneLine000000000000") =>
        $"""
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <Credentials>
              <AccessKeyId>ASIARAWSERVER0000001</AccessKeyId>
              <SecretAccessKey>{secret}</SecretAccessKey>
              <SessionToken>{token}</SessionToken>
              <Expiration>{expiration.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}</Expiration>
            </Credentials>
            <AssumedRoleUser>
              <Arn>{sessionArn}</Arn>
              <AssumedRoleId>AROARAWSERVER0000001:{sessionArn.Split('/')[^1]}</AssumedRoleId>
            </AssumedRoleUser>
          </AssumeRoleResult>
          <ResponseMetadata><RequestId>7f1c2b9e-0000-4000-8000-000000000001</RequestId></ResponseMetadata>
        </AssumeRoleResponse>
        """;

    /// <summary>
    /// A profile signed by the LocalSts demo user's static keys that assumes the demo <c>hub</c> role at <paramref name="url"/>,
    /// with no jitter, no retry delay and <paramref name="maxRetryAttempts"/> retries.
    /// </summary>
    public static CredentialKitProfileOptions HubProfile(string url, int maxRetryAttempts = 2)
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = LocalStsDemo.AccessKeyId;
        options.Source.SecretAccessKey = LocalStsDemo.SecretAccessKey;
        options.Sts.ServiceUrl = url;
        options.Sts.AuthenticationRegion = "us-east-1";
        options.Roles.Add(new AssumeRoleOptions { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app-hub" });
        options.Refresh.JitterFraction = 0;
        options.Refresh.RetryBaseDelay = TimeSpan.Zero;
        options.Refresh.MaxRetryAttempts = maxRetryAttempts;
        return options;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            await using var stream = new NetworkStream(socket);
            try
            {
                var request = await ReadRequestAsync(stream, _stop.Token);
                if (request is null)
                {
                    return;
                }

                _requests.Enqueue(request);
                await _answer(request, stream, _stop.Token);
                await stream.FlushAsync(_stop.Token);
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client gave up (a timeout, a refused answer): nothing more to write.
            }
        }
    }

    private static async Task<RawHttpRequest?> ReadRequestAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(buffer)) < 0)
        {
            var n = await stream.ReadAsync(chunk, cancellationToken);
            if (n == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, n));
        }

        var head = Encoding.ASCII.GetString([.. buffer.Take(headEnd)]);
        var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        while (buffer.Count < headEnd + 4 + length)
        {
            var n = await stream.ReadAsync(chunk, cancellationToken);
            if (n == 0)
            {
                break;
            }

            buffer.AddRange(chunk.AsSpan(0, n));
        }

        return new RawHttpRequest(head, Encoding.UTF8.GetString([.. buffer.Skip(headEnd + 4)]));
    }

    private static int IndexOfHeadEnd(List<byte> buffer)
    {
        for (var i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
