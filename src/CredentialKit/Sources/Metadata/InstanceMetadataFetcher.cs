using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Runtime.CompilerServices;

namespace CredentialKit;

/// <summary>
/// Issues the source session from the instance metadata service: an IMDSv2 session token (<c>PUT</c>, re-used by every
/// provider of the process until shortly before it ends, replaced when IMDS rejects it), then the role name and its
/// credentials (<c>GET</c>). IMDSv1 (no token) only when <see cref="InstanceMetadataSettings.AllowV1Fallback"/> and the
/// token request was refused with 403, 404 or 405 or went unanswered (a container behind a hop limit of 1), as the SDKs
/// fall back; never after a 400 or a 5xx. One fetch at a time per process (<see cref="ProcessWideSourceFetch"/>).
/// </summary>
internal sealed class InstanceMetadataFetcher(InstanceMetadataSettings settings, CredentialKitContext context, string? profileName)
    : LocalSourceFetcher("imds", settings.Subject, context, profileName)
{
    private static readonly ConditionalWeakTable<TimeProvider, ConcurrentDictionary<string, ImdsToken>> Tokens = new();

    private readonly string _key = settings.Describe();

    private ConcurrentDictionary<string, ImdsToken> TokenCache => Tokens.GetValue(Context.TimeProvider, static _ => new(StringComparer.Ordinal));

    protected override Task<SessionCredentials> FetchCoreAsync(CancellationToken cancellationToken) =>
        ProcessWideSourceFetch.For(Context.TimeProvider).FetchAsync(_key, LastIssued, FetchOnceAsync, cancellationToken);

    private async Task<SourceFetchResult> FetchOnceAsync(CancellationToken cancellationToken)
    {
        var token = await TokenAsync(cancellationToken).ConfigureAwait(false);
        var roles = await GetAsync(MetadataDefaults.ImdsCredentialsPath, token, cancellationToken).ConfigureAwait(false);
        if (roles.Status == HttpStatusCode.Unauthorized && token is not null)
        {
            // The token ended early (IMDS restarted, or the instance's clock jumped): one new token, one more try.
            TokenCache.TryRemove(_key, out _);
            token = await TokenAsync(cancellationToken).ConfigureAwait(false);
            roles = await GetAsync(MetadataDefaults.ImdsCredentialsPath, token, cancellationToken).ConfigureAwait(false);
        }

        EnsureSuccess(roles, "the role name");
        var role = roles.Body.Split('\n', 2, StringSplitOptions.TrimEntries)[0];
        if (role.Length == 0 || role.Contains('/', StringComparison.Ordinal))
        {
            throw Failure("Instance metadata lists no instance profile role (is one attached to the instance?)", "NoInstanceProfile", isTransient: false, inner: null);
        }

        var answer = await GetAsync(MetadataDefaults.ImdsCredentialsPath + Uri.EscapeDataString(role), token, cancellationToken).ConfigureAwait(false);
        EnsureSuccess(answer, $"the credentials of role '{role}'");
        var session = MetadataCredentialsJson.TryParse(answer.Body, out var problem)
            ?? throw Failure($"Instance metadata answered for role '{role}', but {problem}", "MalformedResponse", isTransient: true, inner: null);
        return new SourceFetchResult(session, answer.SentAt, answer.ServerDate);
    }

    /// <summary>A valid token (cached or new), or <see langword="null"/> to use IMDSv1.</summary>
    private async Task<string?> TokenAsync(CancellationToken cancellationToken)
    {
        var now = Context.TimeProvider.GetUtcNow();
        if (TokenCache.TryGetValue(_key, out var cached) && now < cached.RenewAt)
        {
            return cached.Value;
        }

        MetadataAnswer answer;
        var headers = new[] { KeyValuePair.Create(MetadataDefaults.ImdsTokenTtlHeader, MetadataDefaults.ImdsTokenTtlSeconds.ToString(CultureInfo.InvariantCulture)) };
        try
        {
            answer = await MetadataHttp.SendAsync(HttpMethod.Put, new Uri(settings.Endpoint, MetadataDefaults.ImdsTokenPath), headers,
                MetadataDefaults.ImdsTimeout, Context.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (settings.AllowV1Fallback)
        {
            SourceLog.ImdsV1Fallback(Logger, settings.Endpoint.GetLeftPart(UriPartial.Authority), 0);
            return null;
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException or InvalidDataException)
        {
            throw Unreachable(e, "the session token");
        }

        if (answer.IsSuccess && answer.Body.Length > 0)
        {
            var ttl = TimeSpan.FromSeconds(MetadataDefaults.ImdsTokenTtlSeconds);
            TokenCache[_key] = new ImdsToken(answer.Body.Trim(), answer.SentAt.Wall + ttl - MetadataDefaults.ImdsTokenRenewBefore);
            return answer.Body.Trim();
        }

        if (settings.AllowV1Fallback && answer.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            SourceLog.ImdsV1Fallback(Logger, settings.Endpoint.GetLeftPart(UriPartial.Authority), (int)answer.Status);
            return null;
        }

        var v1 = settings.AllowV1Fallback ? string.Empty : $" ({InstanceMetadataSettings.V1Disabled} forbids falling back to IMDSv1)";
        throw Failure($"Instance metadata refused a session token with HTTP {(int)answer.Status}{v1}", $"Http{(int)answer.Status}",
            isTransient: (int)answer.Status >= 500, inner: null);
    }

    private async Task<MetadataAnswer> GetAsync(string path, string? token, CancellationToken cancellationToken)
    {
        var headers = token is null ? [] : new[] { KeyValuePair.Create(MetadataDefaults.ImdsTokenHeader, token) };
        try
        {
            return await MetadataHttp.SendAsync(HttpMethod.Get, new Uri(settings.Endpoint, path), headers,
                MetadataDefaults.ImdsTimeout, Context.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException or InvalidDataException)
        {
            throw Unreachable(e, "the credentials");
        }
    }

    private void EnsureSuccess(MetadataAnswer answer, string what)
    {
        if (!answer.IsSuccess)
        {
            var hint = answer.Status == HttpStatusCode.NotFound ? " (no instance profile role is attached?)" : string.Empty;
            throw Failure($"Instance metadata answered HTTP {(int)answer.Status} for {what}{hint}", $"Http{(int)answer.Status}",
                isTransient: (int)answer.Status >= 500 || answer.Status == HttpStatusCode.Unauthorized, inner: null);
        }
    }

    private CredentialRefreshException Unreachable(Exception e, string what) => e switch
    {
        TimeoutException => Failure($"Instance metadata did not answer within {MetadataDefaults.ImdsTimeout} for {what} (not on EC2?)", "Timeout", isTransient: true, inner: null),
        HttpRequestException h => Failure($"Instance metadata could not be reached for {what}: {h.HttpRequestError}", "ConnectionFailed", isTransient: true, inner: null),
        _ => Failure($"Instance metadata answered with more than {MetadataHttp.MaxResponseBytes} bytes for {what}", "MalformedResponse", isTransient: true, inner: null),
    };

    private sealed record ImdsToken(string Value, DateTimeOffset RenewAt);
}
