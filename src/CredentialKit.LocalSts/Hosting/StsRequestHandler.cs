using System.Text;
using CredentialKit.LocalSts.Operations;
using CredentialKit.LocalSts.Protocol;
using CredentialKit.LocalSts.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace CredentialKit.LocalSts.Hosting;

/// <summary>The single endpoint: reads the Query request, applies faults, authenticates, dispatches and journals.</summary>
internal sealed class StsRequestHandler(
    StsState state, SigV4Verifier verifier, IReadOnlyDictionary<string, IStsOperation> operations,
    LocalStsFaults faults, LocalStsJournal journal, ILogger logger, CancellationToken serverStopping)
{
    private int _inFlight;

    /// <summary>How many STS requests are being handled right now (read by the control API's health route).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await HandleCoreAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        var receivedAt = state.Time.GetUtcNow();
        // Reads and writes end only when the client goes away: a server that stops lets in-flight requests finish (Kestrel's
        // graceful stop). Only the waits of delay and hang faults also end when the server stops (see ShuttingDown).
        var ct = context.RequestAborted;
        using var faultWait = CancellationTokenSource.CreateLinkedTokenSource(ct, serverStopping);

        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "/";
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        var rawPath = q < 0 ? raw : raw[..q];
        var rawQuery = q < 0 ? string.Empty : raw[(q + 1)..];

        // The query string is read for every method (a POST may carry parameters there too); the body only once it is known
        // to be small enough, inside the try, so a refused body still gets an ErrorResponse, a request id and a journal entry.
        var parameters = QueryParameters.Parse(rawQuery);
        var action = parameters.Get("Action") ?? string.Empty;
        var body = Array.Empty<byte>();
        Caller? caller = null;
        LocalStsSession? issued = null;
        var outcome = LocalStsJournal.SuccessOutcome;
        var status = 200;
        var recorded = false;

        // Journaled before the response is written: a client that has its answer (and a test reading the journal right
        // after it, through the API or the control endpoint) always finds the request there.
        void Record()
        {
            if (recorded)
            {
                return;
            }

            recorded = true;
            Log.RequestHandled(logger, action, caller?.Arn, status, outcome);
            journal.Add(new LocalStsJournalEntry(
                receivedAt, action, caller?.AccessKeyId, caller?.Arn, LocalStsJournal.Redact(parameters.All),
                outcome, status, issued?.AccessKeyId, requestId));
        }

        try
        {
            // Stopping: a request that arrives before Kestrel has stopped accepting gets the same 503 as the held ones, so a
            // client's retry meets either another 503 or the closed port, never a half-stopped server.
            serverStopping.ThrowIfCancellationRequested();
            if (!HttpMethods.IsPost(context.Request.Method) && !HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.Headers.Allow = "GET, POST";
                throw new StsException(StsErrorCodes.MethodNotAllowed,
                    $"The HTTP method {context.Request.Method} is not allowed; STS accepts GET and POST.", 405);
            }

            if (HttpMethods.IsPost(context.Request.Method))
            {
                body = await ReadBodyAsync(context.Request, state.Options.MaxRequestBodySize, ct).ConfigureAwait(false);
                parameters = parameters.With(QueryParameters.Parse(Encoding.UTF8.GetString(body)));
                action = parameters.Get("Action") ?? string.Empty;
            }

            if (faults.Next(action) is { } fault)
            {
                Log.FaultInjected(logger, fault.Kind, fault.Code, action);
                switch (fault.Kind)
                {
                    case LocalStsFaultKind.Error:
                        throw new StsException(fault.Code!, fault.Message!, fault.StatusCode);
                    case LocalStsFaultKind.Delay:
                        await Task.Delay(fault.Delay, state.Time, faultWait.Token).ConfigureAwait(false);
                        break;
                    case LocalStsFaultKind.Hang:
                        await Task.Delay(Timeout.InfiniteTimeSpan, state.Time, faultWait.Token).ConfigureAwait(false);
                        break;
                    case LocalStsFaultKind.AbortConnection:
                        (outcome, status) = ("ConnectionAborted", 0);
                        context.Abort();
                        return;
                    case LocalStsFaultKind.MalformedResponse:
                        outcome = "MalformedResponse";
                        Record();
                        await WriteAsync(context, 200, requestId, "<AssumeRoleResponse><Credentials><AccessKeyId>", ct).ConfigureAwait(false);
                        return;
                }
            }

            if (!operations.TryGetValue(action, out var operation) || parameters.Get("Version") != LocalStsDefaults.ApiVersion)
            {
                throw new StsException(StsErrorCodes.InvalidAction,
                    $"Could not find operation {action} for version {parameters.Get("Version") ?? "NO_VERSION_SPECIFIED"}");
            }

            var headers = context.Request.Headers.ToDictionary(
                h => h.Key.ToLowerInvariant(), h => string.Join(',', h.Value.ToArray()), StringComparer.Ordinal);
            caller = verifier.Authenticate(new SigV4Verifier.SignedRequest(context.Request.Method, rawPath, rawQuery, headers, body));
            if (caller is null && operation.RequiresSignature)
            {
                throw new StsException(StsErrorCodes.MissingAuthenticationToken, StsErrorCodes.MissingAuthenticationTokenMessage, 403);
            }

            if (RateLimitAccount(caller, parameters) is { } account && !faults.TryAcquire(account))
            {
                throw new StsException(StsErrorCodes.Throttling, StsErrorCodes.RateExceededMessage);
            }

            var result = operation.Execute(parameters, caller);
            issued = result.Issued;
            Record();
            await WriteAsync(context, 200, requestId, StsXml.Success(action, requestId, result.Members), ct).ConfigureAwait(false);
        }
        catch (StsException ex)
        {
            (outcome, status) = (ex.Code, ex.StatusCode);
            var type = ex.StatusCode >= 500 ? "Receiver" : "Sender";
            Record();
            var message = ex.Denial is { } denial && state.Options.EncodeAuthorizationMessages
                ? state.AuthorizationMessages.AppendEncoded(denial)
                : ex.Message;
            await WriteAsync(context, ex.StatusCode, requestId, StsXml.Error(type, ex.Code, message, requestId), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (serverStopping.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            (outcome, status) = (StsErrorCodes.ServiceUnavailable, 503);
            Record();
            await ShuttingDownAsync(context, requestId).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            (outcome, status) = ("RequestAborted", 0);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.UnexpectedError(logger, ex, action);
            (outcome, status) = (StsErrorCodes.InternalFailure, 500);
            Record();
            await WriteAsync(context, 500, requestId, StsXml.Error("Receiver", StsErrorCodes.InternalFailure, "An internal error occurred.", requestId), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Record(); // the paths that write no response: an aborted connection, a cancelled request

            // Never let a request end without an answer: Kestrel would send an empty 200, which a client takes for a success
            // it cannot parse (botocore fails on it without retrying). A reset connection is a failure every client retries.
            if (!context.Response.HasStarted)
            {
                context.Abort();
            }
        }
    }

    // A request held by a delay or hang fault when the server stops (or arriving while it stops): answer 503, which every SDK
    // retries, and close the connection so the retry opens a new one (to a refused port: a clean connection error).
    private static Task ShuttingDownAsync(HttpContext context, string requestId)
    {
        context.Response.Headers.Connection = "close";
        return WriteAsync(context, 503, requestId,
            StsXml.Error("Receiver", StsErrorCodes.ServiceUnavailable, StsErrorCodes.ShuttingDownMessage, requestId), context.RequestAborted);
    }

    // Throttling is per account: the caller's, or for unsigned federation calls the role's account.
    private static string? RateLimitAccount(Caller? caller, QueryParameters parameters)
    {
        if (caller is not null)
        {
            return caller.AccountId;
        }

        var parts = parameters.Get("RoleArn")?.Split(':');
        return parts is { Length: > 4 } ? parts[4] : null;
    }

    // STS requests are small: refuse a declared length over the cap without reading, and stop reading an undeclared one
    // (chunked) as soon as it passes the cap, so a client cannot make the emulator buffer more than MaxRequestBodySize.
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var buffer = new byte[Math.Min(maxBytes + 1, (int)(request.ContentLength ?? 16 * 1024) + 1)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                Array.Resize(ref buffer, Math.Min(maxBytes + 1, buffer.Length * 2));
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (length > maxBytes)
            {
                throw TooLarge(maxBytes);
            }
        }

        return length == buffer.Length ? buffer : buffer[..length];
    }

    private static StsException TooLarge(int maxBytes) =>
        new(StsErrorCodes.RequestEntityTooLarge, $"The request body is larger than the {maxBytes} bytes this endpoint accepts.", 413);

    private static async Task WriteAsync(HttpContext context, int status, string requestId, string body, CancellationToken ct)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength = bytes.Length;
        try
        {
            await context.Response.Body.WriteAsync(bytes, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away (for example after its own timeout during a delay fault); nothing to answer.
        }
    }
}
