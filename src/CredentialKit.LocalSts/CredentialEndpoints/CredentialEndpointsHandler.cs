using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CredentialKit.LocalSts.Hosting;
using CredentialKit.LocalSts.Operations;
using CredentialKit.LocalSts.Protocol;
using CredentialKit.LocalSts.Sessions;
using Microsoft.AspNetCore.Http;

namespace CredentialKit.LocalSts.Hosting;

/// <summary>
/// Serves <see cref="LocalStsCredentialEndpoints"/>: the container-credentials endpoint and IMDS (token <c>PUT</c>, role
/// name and credentials <c>GET</c>), with faults, journal and the server's clock.
/// </summary>
internal sealed class CredentialEndpointsHandler(
    StsState state, LocalStsCredentialEndpoints settings, LocalStsFaults faults, LocalStsJournal journal, CancellationToken serverStopping)
    : ILocalStsRoute
{
    private const string TokenPath = "/latest/api/token";
    private const string CredentialsPath = "/latest/meta-data/iam/security-credentials/";
    private const string TokenHeader = "X-aws-ec2-metadata-token";
    private const string TokenTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
    private const int MaximumTokenTtlSeconds = 21600;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private LocalStsSession? _containerSession;
    private LocalStsSession? _instanceSession;

    private readonly SsoPortalHandler _sso = new(state, settings.SsoTokens, settings);

    public static bool Handles(PathString path) =>
        path.StartsWithSegments("/latest", StringComparison.Ordinal) || path.Equals(LocalStsCredentialEndpoints.ContainerPath, StringComparison.Ordinal)
        || SsoPortalHandler.OperationOf(path) is not null;

    public bool Matches(HttpContext context) => Handles(context.Request.Path);

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var operation = SsoPortalHandler.OperationOf(context.Request.Path) is { } sso ? sso
            : path == LocalStsCredentialEndpoints.ContainerPath ? LocalStsCredentialEndpoints.ContainerOperation
            : path == TokenPath ? LocalStsCredentialEndpoints.ImdsTokenOperation
            : LocalStsCredentialEndpoints.ImdsCredentialsOperation;
        var receivedAt = state.Time.GetUtcNow();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, serverStopping);
        var (status, outcome, issued, body) = (200, LocalStsJournal.SuccessOutcome, (string?)null, string.Empty);
        var recorded = false;

        // Journaled before the response is written, as the STS handler does: a client that has its answer finds its request there.
        void Record()
        {
            if (!recorded)
            {
                recorded = true;
                journal.Add(new LocalStsJournalEntry(
                    receivedAt, operation, null, null, new Dictionary<string, string>(StringComparer.Ordinal) { ["Path"] = path },
                    outcome, status, issued, Guid.NewGuid().ToString()));
            }
        }

        try
        {
            if (faults.Next(operation) is { } fault)
            {
                switch (fault.Kind)
                {
                    case LocalStsFaultKind.Error:
                        throw new StsException(fault.Code!, fault.Message!, fault.StatusCode);
                    case LocalStsFaultKind.Delay:
                        await Task.Delay(fault.Delay, state.Time, cts.Token).ConfigureAwait(false);
                        break;
                    case LocalStsFaultKind.Hang:
                        await Task.Delay(Timeout.InfiniteTimeSpan, state.Time, cts.Token).ConfigureAwait(false);
                        break;
                    case LocalStsFaultKind.AbortConnection:
                        (status, outcome) = (0, "ConnectionAborted");
                        context.Abort();
                        return;
                    case LocalStsFaultKind.MalformedResponse:
                        (outcome, body) = ("MalformedResponse", "{\"AccessKeyId\":");
                        Record();
                        await WriteAsync(context, 200, body, "application/json").ConfigureAwait(false);
                        return;
                }
            }

            (body, issued) = operation switch
            {
                LocalStsCredentialEndpoints.ContainerOperation => (Container(context), _containerSession?.AccessKeyId),
                LocalStsCredentialEndpoints.ImdsTokenOperation => (await TokenAsync(context, cts.Token).ConfigureAwait(false), null),
                LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation or LocalStsCredentialEndpoints.SsoCreateTokenOperation =>
                    await _sso.HandleAsync(context, operation, cts.Token).ConfigureAwait(false),
                _ => Instance(context, path),
            };
            Record();
            await WriteAsync(context, 200, body, body.StartsWith('{') ? "application/json" : "text/plain").ConfigureAwait(false);
        }
        catch (StsException e)
        {
            (status, outcome) = (e.StatusCode, e.Code);
            Record();
            await WriteAsync(context, e.StatusCode, SsoPortalHandler.ErrorBody(e.Code, e.Message), "application/json").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            (status, outcome) = (0, "RequestAborted");
        }
        finally
        {
            Record(); // the paths that write no response: an aborted connection, a cancelled request
        }
    }

    private string Container(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            throw new StsException("MethodNotAllowed", "The container endpoint answers GET only.", 405);
        }

        if (settings.ContainerAuthorizationToken is { } expected
            && !string.Equals(context.Request.Headers.Authorization.ToString(), expected, StringComparison.Ordinal))
        {
            throw new StsException("AccessDenied", "The Authorization header is missing or wrong.", 401);
        }

        var session = CurrentSession(ref _containerSession, settings.ContainerRoleArn, "ecs-task")
            ?? throw new StsException("NotFound", "No container role is configured.", 404);
        return CredentialsJson(session, instance: false);
    }

    private async Task<string> TokenAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (!HttpMethods.IsPut(context.Request.Method))
        {
            throw new StsException("MethodNotAllowed", "The token endpoint answers PUT only.", 405);
        }

        if (context.Request.Headers.ContainsKey("X-Forwarded-For"))
        {
            // IMDS refuses token requests that went through a proxy.
            throw new StsException("Forbidden", "Forbidden", 403);
        }

        if (!int.TryParse(context.Request.Headers[TokenTtlHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var ttl)
            || ttl is < 1 or > MaximumTokenTtlSeconds)
        {
            throw new StsException("BadRequest", $"{TokenTtlHeader} must be 1 to {MaximumTokenTtlSeconds}.", 400);
        }

        if (settings.InstanceTokenResponsesDropped)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, state.Time, cancellationToken).ConfigureAwait(false);
        }

        var token = "imds-" + Convert.ToHexString(Guid.NewGuid().ToByteArray());
        _tokens[token] = state.Time.GetUtcNow().AddSeconds(ttl);
        context.Response.Headers[TokenTtlHeader] = ttl.ToString(CultureInfo.InvariantCulture);
        return token;
    }

    private (string Body, string? Issued) Instance(HttpContext context, string path)
    {
        var token = context.Request.Headers[TokenHeader].ToString();
        if (token.Length > 0)
        {
            if (!_tokens.TryGetValue(token, out var expires) || state.Time.GetUtcNow() >= expires)
            {
                throw new StsException("Unauthorized", "The session token is invalid or expired.", 401);
            }
        }
        else if (settings.InstanceRequiresToken)
        {
            throw new StsException("Unauthorized", "This instance requires IMDSv2 session tokens.", 401);
        }

        if (settings.InstanceRoleArn is not { } roleArn || !path.StartsWith(CredentialsPath, StringComparison.Ordinal))
        {
            throw new StsException("NotFound", "Not Found", 404);
        }

        var roleName = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        var rest = path[CredentialsPath.Length..];
        if (rest.Length == 0)
        {
            return (roleName, null);
        }

        if (rest != roleName)
        {
            throw new StsException("NotFound", "Not Found", 404);
        }

        var session = CurrentSession(ref _instanceSession, roleArn, "i-0123456789abcdef0")!;
        return (CredentialsJson(session, instance: true), session.AccessKeyId);
    }

    /// <summary>The session an endpoint hands out now: the same one until <see cref="LocalStsCredentialEndpoints.RotateBefore"/> its expiry.</summary>
    private LocalStsSession? CurrentSession(ref LocalStsSession? current, string? roleArn, string sessionName)
    {
        if (roleArn is null)
        {
            return null;
        }

        lock (_gate)
        {
            var now = state.Time.GetUtcNow();
            if (current is { } held && held.RoleArn == roleArn && held.Expiration - now > settings.RotateBefore)
            {
                return held;
            }

            var (account, role) = state.Identities.FindRole(roleArn)
                ?? throw new StsException("NotFound", $"The role {roleArn} is not in the model.", 404);
            var (session, _) = RoleSessionFactory.Issue(state, new RoleSessionFactory.Request(
                "CredentialEndpoint", account, role, sessionName, settings.SessionDuration,
                new Dictionary<string, string>(), [], SourceIdentity: null, MfaAuthenticated: false, SourceAccessKeyId: null, PackedPolicySize: null));
            current = session;
            return session;
        }
    }

    private string CredentialsJson(LocalStsSession session, bool instance)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (instance)
            {
                json.WriteString("Code", "Success");
                json.WriteString("LastUpdated", Format(session.IssuedAt));
                json.WriteString("Type", "AWS-HMAC");
            }
            else
            {
                json.WriteString("RoleArn", session.RoleArn);
            }

            json.WriteString("AccessKeyId", session.AccessKeyId);
            json.WriteString("SecretAccessKey", session.SecretAccessKey);
            json.WriteString("Token", session.SessionToken);
            json.WriteString("Expiration", Format(session.Expiration));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private async Task WriteAsync(HttpContext context, int status, string body, string contentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.Headers.Date = state.Time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength = bytes.Length;
        try
        {
            await context.Response.Body.WriteAsync(bytes, serverStopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away.
        }
    }
}
