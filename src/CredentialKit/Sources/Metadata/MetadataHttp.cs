using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace CredentialKit;

/// <summary>One answer of a metadata endpoint: status, body (capped), and when it was asked on the local clock.</summary>
internal sealed record MetadataAnswer(HttpStatusCode Status, string Body, ClockReading SentAt, DateTimeOffset? ServerDate)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}

/// <summary>
/// The HTTP client of the container and instance metadata sources: no proxy (link-local and loopback addresses must not
/// go through one, as the SDKs bypass it), no redirects (an answer elsewhere is not the platform's), a per-request time
/// limit on the injected clock and a cap on what is read.
/// </summary>
internal static class MetadataHttp
{
    /// <summary>The most of a response that is read: credentials are about 2 KB.</summary>
    public const int MaxResponseBytes = 64 * 1024;

    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // each request has its own limit, on the injected clock
    };

    /// <exception cref="TimeoutException">No answer within <paramref name="timeout"/>.</exception>
    /// <exception cref="HttpRequestException">The connection failed.</exception>
    /// <exception cref="InvalidDataException">The answer is larger than <see cref="MaxResponseBytes"/>.</exception>
    public static async Task<MetadataAnswer> SendAsync(
        HttpMethod method, Uri uri, IEnumerable<KeyValuePair<string, string>> headers, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var sentAt = ClockReading.Now(time);
        try
        {
            using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var body = await ReadCappedAsync(response.Content, linked.Token).ConfigureAwait(false);
            return new MetadataAnswer(response.StatusCode, body, sentAt, DateOf(response.Headers));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException();
        }
    }

    private static DateTimeOffset? DateOf(HttpResponseHeaders headers) => headers.Date;

    private static async Task<string> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is > MaxResponseBytes)
        {
            throw new InvalidDataException();
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxResponseBytes + 1];
        var length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
            if (length > MaxResponseBytes)
            {
                throw new InvalidDataException();
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
