using System.Net;
using System.Net.Http;

namespace CredentialKit;

/// <summary>
/// Issues the source session from the container-credentials endpoint (ECS task role, EKS Pod Identity): one GET with
/// the authorization token, retried at once on a timeout, a failed connection or a 5xx, shared by every provider of the
/// process (<see cref="ProcessWideSourceFetch"/>). The token and the credentials never reach a message.
/// </summary>
internal sealed class ContainerCredentialsFetcher(ContainerCredentialsSettings settings, CredentialKitContext context, string? profileName)
    : LocalSourceFetcher("container", settings.Subject, context, profileName)
{
    private readonly string _key = settings.Describe();

    protected override Task<SessionCredentials> FetchCoreAsync(CancellationToken cancellationToken) =>
        ProcessWideSourceFetch.For(Context.TimeProvider).FetchAsync(_key, LastIssued, FetchOnceAsync, cancellationToken);

    private async Task<SourceFetchResult> FetchOnceAsync(CancellationToken cancellationToken)
    {
        var headers = await HeadersAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var last = attempt == MetadataDefaults.ContainerAttempts;
            MetadataAnswer answer;
            try
            {
                answer = await MetadataHttp.SendAsync(HttpMethod.Get, settings.Uri, headers, MetadataDefaults.ContainerTimeout, Context.TimeProvider, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or HttpRequestException && !last)
            {
                continue;
            }
            catch (TimeoutException)
            {
                throw Failure($"The container endpoint did not answer within {MetadataDefaults.ContainerTimeout} ({attempt} attempts)", "Timeout", isTransient: true, inner: null);
            }
            catch (HttpRequestException e)
            {
                throw Failure($"The container endpoint could not be reached: {e.HttpRequestError}", "ConnectionFailed", isTransient: true, inner: null);
            }
            catch (InvalidDataException)
            {
                throw Failure($"The container endpoint answered with more than {MetadataHttp.MaxResponseBytes} bytes", "MalformedResponse", isTransient: true, inner: null);
            }

            if ((int)answer.Status >= 500 && !last)
            {
                continue;
            }

            if (!answer.IsSuccess)
            {
                var hint = answer.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    ? $" (check {ContainerCredentialsSettings.AuthorizationTokenFile} / {ContainerCredentialsSettings.AuthorizationToken})"
                    : string.Empty;
                throw Failure($"The container endpoint answered HTTP {(int)answer.Status}{hint}", $"Http{(int)answer.Status}",
                    isTransient: (int)answer.Status >= 500 || answer.Status == HttpStatusCode.TooManyRequests, inner: null);
            }

            var session = MetadataCredentialsJson.TryParse(answer.Body, out var problem)
                ?? throw Failure($"The container endpoint answered, but {problem}", "MalformedResponse", isTransient: true, inner: null);
            return new SourceFetchResult(session, answer.SentAt, answer.ServerDate);
        }
    }

    private async Task<IEnumerable<KeyValuePair<string, string>>> HeadersAsync(CancellationToken cancellationToken)
    {
        var token = settings.Token;
        if (settings.TokenFile is { } path)
        {
            try
            {
                token = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // EKS rotates the file; a failed read may succeed on the next attempt. The path is named, never the content.
                throw Failure($"Could not read {ContainerCredentialsSettings.AuthorizationTokenFile} '{path}': {e.GetType().Name}", "AuthorizationTokenUnreadable", isTransient: true, inner: null);
            }

            if (token.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw Failure($"The token in '{path}' contains a line break", "AuthorizationTokenInvalid", isTransient: false, inner: null);
            }
        }

        return string.IsNullOrEmpty(token) ? [] : [new("Authorization", token)];
    }
}
