using System.Net;
using System.Text.Json;
using CredentialKit.LocalSts.Hosting;
using Microsoft.AspNetCore.Http;

namespace CredentialKit.LocalSts.Control;

/// <summary>
/// The HTTP control API under <c>/_localsts/</c>: the in-process fault, journal and session API for tests in any language.
/// Loopback clients only, unless <see cref="LocalStsOptions.AllowRemoteControlApi"/>. Requests here are not STS requests and
/// are not journaled.
/// </summary>
internal sealed class ControlApiHandler(LocalStsServer server) : ILocalStsRoute
{
    public static bool IsControlPath(PathString path) => path.StartsWithSegments(LocalStsDefaults.ControlPathPrefix, StringComparison.Ordinal);

    public bool Matches(HttpContext context) => server.Options.EnableControlApi && IsControlPath(context.Request.Path);

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            if (!server.Options.AllowRemoteControlApi && context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
            {
                throw new ControlApiException(403, "The LocalSts control API answers loopback clients only (start it with AllowRemoteControlApi / --allow-remote-control).");
            }

            var path = context.Request.Path.Value![LocalStsDefaults.ControlPathPrefix.Length..].TrimEnd('/');
            var method = context.Request.Method;
            var ct = context.RequestAborted;
            switch (path, method)
            {
                case ("/health", "GET"):
                    await WriteAsync(context, 200, new { status = "ready", endpoint = server.Endpoint.ToString(), inFlight = server.InFlightRequests }).ConfigureAwait(false);
                    break;
                case ("/journal", "GET"):
                    var operation = context.Request.Query["operation"].ToString();
                    var entries = server.Journal.Snapshot().Where(e => operation.Length == 0 || e.Operation == operation).ToList();
                    await WriteAsync(context, 200, new JournalView(server.Journal.Capacity, server.Journal.DroppedCount, entries)).ConfigureAwait(false);
                    break;
                case ("/journal", "DELETE"):
                    server.Journal.Clear();
                    NoContent(context);
                    break;
                case ("/sessions", "GET"):
                    await WriteAsync(context, 200, server.GetSessions().Select(SessionView.From).ToList()).ConfigureAwait(false);
                    break;
                case (var p, "POST") when p.StartsWith("/sessions/", StringComparison.Ordinal) && p.EndsWith("/expire", StringComparison.Ordinal):
                    var accessKeyId = p["/sessions/".Length..^"/expire".Length];
                    if (!server.ExpireSession(accessKeyId))
                    {
                        throw new ControlApiException(404, $"No session with access key id '{accessKeyId}'.");
                    }

                    NoContent(context);
                    break;
                case ("/faults", "POST"):
                    var enqueue = await ReadAsync<EnqueueFaultBody>(context, ct).ConfigureAwait(false);
                    if (enqueue.Count < 1)
                    {
                        throw new ControlApiException(400, $"count must be at least 1; got {enqueue.Count}.");
                    }

                    server.Faults.Enqueue(ToFault(enqueue.Fault), enqueue.Operation, enqueue.Count);
                    NoContent(context);
                    break;
                case ("/faults", "DELETE"):
                    server.Faults.ClearScripts();
                    NoContent(context);
                    break;
                case ("/outage", "PUT"):
                    var outage = await ReadAsync<OutageBody>(context, ct).ConfigureAwait(false);
                    server.Faults.StartOutage(outage.Fault is null ? null : ToFault(outage.Fault), outage.Operation);
                    NoContent(context);
                    break;
                case ("/outage", "DELETE"):
                    var op = context.Request.Query["operation"].ToString();
                    server.Faults.EndOutage(op.Length == 0 ? null : op);
                    NoContent(context);
                    break;
                case ("/rate-limit", "PUT"):
                    var limit = await ReadAsync<RateLimitBody>(context, ct).ConfigureAwait(false);
                    if (limit.RequestsPerSecond <= 0 || limit.Burst < 1)
                    {
                        throw new ControlApiException(400, "requestsPerSecond must be positive and burst at least 1.");
                    }

                    server.Faults.SetRateLimit(new LocalStsRateLimit(limit.RequestsPerSecond, limit.Burst));
                    NoContent(context);
                    break;
                case ("/rate-limit", "DELETE"):
                    server.Faults.SetRateLimit(null);
                    NoContent(context);
                    break;
                case ("/clock", "GET"):
                    await WriteAsync(context, 200, new { offsetSeconds = server.ClockOffset.TotalSeconds, now = server.Now }).ConfigureAwait(false);
                    break;
                case ("/clock", "PUT"):
                    var clock = await ReadAsync<ClockBody>(context, ct).ConfigureAwait(false);
                    server.ClockOffset = TimeSpan.FromSeconds(clock.OffsetSeconds);
                    await WriteAsync(context, 200, new { offsetSeconds = server.ClockOffset.TotalSeconds, now = server.Now }).ConfigureAwait(false);
                    break;
                case ("/reset", "POST"):
                    server.Reset();
                    NoContent(context);
                    break;
                case ("/tokens/web-identity", "POST"):
                    var web = await ReadAsync<WebIdentityTokenBody>(context, ct).ConfigureAwait(false);
                    await WriteAsync(context, 200, new { token = MintWebIdentityToken(web) }).ConfigureAwait(false);
                    break;
                case ("/tokens/saml", "POST"):
                    var saml = await ReadAsync<SamlAssertionBody>(context, ct).ConfigureAwait(false);
                    await WriteAsync(context, 200, new { assertion = MintSamlAssertion(saml) }).ConfigureAwait(false);
                    break;
                case ("/tokens/totp", "GET"):
                    await WriteAsync(context, 200, new { code = ComputeTotp(context.Request.Query["serialNumber"].ToString()) }).ConfigureAwait(false);
                    break;
                default:
                    throw new ControlApiException(404, $"No control API route {method} {LocalStsDefaults.ControlPathPrefix}{path}; see the README's control API table.");
            }
        }
        catch (ControlApiException ex)
        {
            await WriteAsync(context, ex.StatusCode, new { error = ex.Message }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            await WriteAsync(context, 400, new { error = ex.Message }).ConfigureAwait(false);
        }
    }

    private static LocalStsFault ToFault(FaultBody? f) => (f ?? throw new ControlApiException(400, "A fault object is required.")).Kind?.ToLowerInvariant() switch
    {
        "throttling" => LocalStsFault.Throttling(),
        "internalfailure" => LocalStsFault.InternalFailure(),
        "serviceunavailable" => LocalStsFault.ServiceUnavailable(),
        "idpcommunicationerror" => LocalStsFault.IdpCommunicationError(),
        "error" => LocalStsFault.Error(
            f.Code ?? throw new ControlApiException(400, "An error fault needs a code."), f.Message ?? string.Empty, f.StatusCode ?? 400),
        "delay" => LocalStsFault.DelayThenRespond(TimeSpan.FromSeconds(f.DelaySeconds ?? throw new ControlApiException(400, "A delay fault needs delaySeconds."))),
        "hang" => LocalStsFault.Hang(),
        "abortconnection" => LocalStsFault.AbortConnection(),
        "malformedresponse" => LocalStsFault.MalformedResponse(),
        _ => throw new ControlApiException(400,
            $"Unknown fault kind '{f.Kind}'; allowed: throttling, internalFailure, serviceUnavailable, idpCommunicationError, error, delay, hang, abortConnection, malformedResponse."),
    };

    private string MintWebIdentityToken(WebIdentityTokenBody b)
    {
        var providers = server.Options.Accounts.SelectMany(a => a.OidcProviders).ToList();
        var provider = (b.Issuer is null ? providers.FirstOrDefault() : providers.FirstOrDefault(p => p.Issuer == b.Issuer))
            ?? throw new ControlApiException(404, b.Issuer is null ? "No OIDC provider is configured." : $"No OIDC provider with issuer '{b.Issuer}'.");
        return LocalStsTokens.MintWebIdentityToken(
            provider.Issuer, provider.SigningKey, b.Subject, b.Audience ?? provider.Audiences.FirstOrDefault() ?? "sts.amazonaws.com",
            server.Now.AddSeconds(b.ExpiresInSeconds), server.Now, b.PrincipalTags, b.TransitiveTagKeys);
    }

    private string MintSamlAssertion(SamlAssertionBody b)
    {
        var account = server.Options.Accounts.FirstOrDefault(a => a.Roles.Any(r => a.RoleArn(r.RoleName) == b.RoleArn))
            ?? throw new ControlApiException(404, $"No role '{b.RoleArn}' is configured.");
        var provider = (b.PrincipalArn is null
                ? account.SamlProviders.FirstOrDefault()
                : account.SamlProviders.FirstOrDefault(p => p.Arn(account.AccountId) == b.PrincipalArn))
            ?? throw new ControlApiException(404, $"No SAML provider {(b.PrincipalArn is null ? "is configured in account " + account.AccountId : "'" + b.PrincipalArn + "'")}.");
        return LocalStsTokens.MintSamlAssertion(
            provider.Issuer, b.RoleArn, provider.Arn(account.AccountId), b.RoleSessionName, server.Now.AddSeconds(b.ExpiresInSeconds),
            b.Subject ?? "user@example.com", provider.Audience, b.PrincipalTags, b.TransitiveTagKeys,
            b.SessionExpiresInSeconds is { } s ? server.Now.AddSeconds(s) : null);
    }

    private string ComputeTotp(string serialNumber)
    {
        var user = server.Options.Accounts.SelectMany(a => a.Users).FirstOrDefault(u => u.MfaSerialNumber == serialNumber)
            ?? throw new ControlApiException(404, $"No MFA device '{serialNumber}'.");
        return user.MfaTotpSecret is { } secret
            ? LocalStsTokens.ComputeTotp(secret, server.Now)
            : user.MfaFixedCode ?? throw new ControlApiException(404, $"MFA device '{serialNumber}' has neither a TOTP secret nor a fixed code.");
    }

    private static async Task<T> ReadAsync<T>(HttpContext context, CancellationToken ct)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, ControlApiJson.Options, ct).ConfigureAwait(false)
                ?? throw new ControlApiException(400, "The request body is empty; send a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new ControlApiException(400, $"The request body is not valid JSON for this route: {ex.Message}");
        }
    }

    private static void NoContent(HttpContext context) => context.Response.StatusCode = 204;

    private static async Task WriteAsync<T>(HttpContext context, int status, T value)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, ControlApiJson.Options, context.RequestAborted).ConfigureAwait(false);
    }
}
