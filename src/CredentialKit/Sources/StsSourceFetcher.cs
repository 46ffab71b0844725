using Amazon.Runtime;
using Amazon.SecurityToken;
using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// The shared half of every session-producing source (web identity, SAML, session token, federation token): the Polly
/// pipeline, the per-region clients, the attempt count and the mapping of failures to <see cref="CredentialRefreshException"/>.
/// </summary>
internal abstract class StsSourceFetcher : ISessionFetcher
{

    private readonly StsCallPipeline _pipeline;
    private readonly RegionalStsClients _clients;

    protected StsSourceFetcher(
        string operation,
        string subject,
        AWSCredentials signer,
        StsOptions sts,
        RefreshSettings settings,
        CredentialKitContext context,
        string? profileName)
    {
        Operation = operation;
        RoleArn = subject;
        ProfileName = profileName;
        Logger = context.LoggerFactory.CreateLogger("CredentialKit.CredentialProvider");
        _pipeline = new StsCallPipeline(settings, context);
        _clients = new RegionalStsClients(signer, sts, context);
    }

    /// <summary>Gets what the session is for: the role ARN, or a description such as <c>GetSessionToken(AKIA…MPLE)</c>.</summary>
    public string RoleArn { get; }

    protected string Operation { get; }

    protected string? ProfileName { get; }

    protected ILogger Logger { get; }

    /// <summary>Gets the expiration of the last session this fetcher issued, for warnings about renewal.</summary>
    protected DateTimeOffset? LastExpiration { get; private set; }

    public async Task<SessionCredentials> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        var call = new StsCallState(RoleArn, request);
        try
        {
            var session = await FetchCoreAsync(call, cancellationToken).ConfigureAwait(false);
            LastExpiration = session.Expiration;
            Log.SourceSessionIssued(Logger, RoleArn, Operation, session.Region, SecretRedaction.MaskAccessKeyId(session.AccessKeyId), session.Expiration);
            return session;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Failure(e, call.Attempts);
        }
    }

    public virtual void Dispose() => _clients.Dispose();

    /// <summary>Issues one session; exceptions are turned into <see cref="CredentialRefreshException"/> by the caller.</summary>
    protected abstract Task<SessionCredentials> FetchCoreAsync(StsCallState call, CancellationToken cancellationToken);

    /// <summary>Runs one STS call through the pipeline, region by region.</summary>
    /// <param name="attempt">The attempt.</param>
    /// <param name="call">The call's per-call data; counts the attempts.</param>
    /// <param name="secrets">The secrets the request carries (token, assertion, MFA code), removed from any echoed error.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    protected Task<(T Response, string? Region)> CallAsync<T>(
        Func<IAmazonSecurityTokenService, CancellationToken, Task<T>> attempt, StsCallState call, SentSecrets secrets, CancellationToken cancellationToken) =>
        _clients.ExecuteAsync(_pipeline, Operation, attempt, call, secrets, cancellationToken);


    /// <summary>A failure that is not an STS answer (a callback, a file), named with the source and profile.</summary>
    protected CredentialRefreshException SourceFailure(string what, string errorCode, bool isTransient, Exception? inner) =>
        new($"{what} ({RoleArn}{RefreshingSession.ProfileSuffix(ProfileName)}).", ProfileName, RoleArn, errorCode, attempts: 0, isTransient, inner);

    protected CredentialRefreshException MissingCredentials() =>
        new($"STS answered {Operation} for {RoleArn}{RefreshingSession.ProfileSuffix(ProfileName)} without credentials.",
            ProfileName, RoleArn, "MalformedResponse", attempts: 1, isTransient: true, innerException: null);

    private CredentialRefreshException Failure(Exception exception, int attempts) =>
        StsFailures.From(exception, attempts, $"STS {Operation} for {RoleArn} failed", RoleArn, ProfileName);
}
