using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CredentialKit.Tests.Sources;

/// <summary>One scripted answer of the stub.</summary>
internal sealed record StubAnswer(int Status, string Body, DateTimeOffset? Date = null, Task? Gate = null);

/// <summary>What the stub was asked.</summary>
internal sealed record StubRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A loopback HTTP server (HttpListener on 127.0.0.1) playing a container endpoint or IMDS for unit tests: answers come
/// from a handler per request, every request is recorded, and an answer may wait on a gate so tests can hold it in flight.
/// </summary>
internal sealed class MetadataStub : IDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentQueue<StubRequest> _requests = new();
    private readonly Task _loop;

    public MetadataStub(Func<StubRequest, StubAnswer> handler)
    {
        Handler = handler;
        (_listener, BaseUri) = Listen();
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseUri { get; }

    /// <summary>
    /// A stub serving IMDS (role <c>instance-role</c>, key <c>ASIAINSTANCEEXAMPLE1</c>) and a container endpoint at
    /// <c>/task</c> (key <c>ASIACONTAINEREXAMPL1</c>), sessions of 6 hours from <paramref name="now"/>.
    /// </summary>
    public static MetadataStub Platform(Func<DateTimeOffset> now) => new(r => r.Path switch
    {
        "/latest/api/token" => new StubAnswer(200, "token-1"),
        "/latest/meta-data/iam/security-credentials/" => new StubAnswer(200, "instance-role"),
        "/latest/meta-data/iam/security-credentials/instance-role" => new StubAnswer(200, CredentialsJson(now().AddHours(6), "ASIAINSTANCEEXAMPLE1", imds: true)),
        "/task" => new StubAnswer(200, CredentialsJson(now().AddHours(6), "ASIACONTAINEREXAMPL1")),
        _ => new StubAnswer(404, string.Empty),
    });

    public Func<StubRequest, StubAnswer> Handler { get; set; }

    public IReadOnlyList<StubRequest> Requests => [.. _requests];

    public int Count(string method, string path) => _requests.Count(r => r.Method == method && r.Path == path);

    public static string CredentialsJson(DateTimeOffset expiration, string accessKeyId = "ASIAMETADATAEXAMPLE1", bool imds = false) =>
        $$"""{{{(imds ? "\"Code\":\"Success\",\"Type\":\"AWS-HMAC\"," : string.Empty)}}"AccessKeyId":"{{accessKeyId}}","SecretAccessKey":"{{Secret}}","Token":"{{Token}}","Expiration":"{{expiration.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}}"}""";

    public const string Secret = "METADATASECRETwJalrXUtnFEMIK7MDENGbPxRfiC";
    public const string Token = "METADATATOKENIQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD";

    public void Dispose()
    {
        CloseQuietly(_listener);
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was stopped under the loop.
        }
    }

    /// <summary>
    /// Binds a free loopback port. HttpListener cannot bind port 0, so a port is probed first; another process (the machine
    /// runs several test runs at once) may take it in between, so binding is retried on a fresh port.
    /// </summary>
    /// <summary>
    /// Managed HttpListener looks its endpoint up again when it stops and may try to bind the port, which fails when another
    /// process holds it: closing must not turn that into a test failure (or end the retry loop of <see cref="Listen"/>).
    /// </summary>
    private static void CloseQuietly(HttpListener listener)
    {
        try
        {
            listener.Stop();
        }
        catch (HttpListenerException)
        {
        }

        try
        {
            listener.Close();
        }
        catch (HttpListenerException)
        {
        }
    }

    private static (HttpListener Listener, Uri BaseUri) Listen()
    {
        for (var attempt = 1; ; attempt++)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var uri = new Uri($"http://127.0.0.1:{port}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(uri.ToString());
            try
            {
                listener.Start();
                return (listener, uri);
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                CloseQuietly(listener);
            }
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var headers = context.Request.Headers.AllKeys.OfType<string>().ToDictionary(k => k, k => context.Request.Headers[k] ?? string.Empty, StringComparer.OrdinalIgnoreCase);
        var request = new StubRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers);
        _requests.Enqueue(request);
        try
        {
            var answer = Handler(request);
            if (answer.Gate is { } gate)
            {
                await gate;
            }

            context.Response.StatusCode = answer.Status;
            if (answer.Date is { } date)
            {
                context.Response.Headers["Date"] = date.ToString("R", CultureInfo.InvariantCulture);
            }

            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException or TaskCanceledException)
        {
            // The client gave up or the stub stopped.
        }
    }
}
