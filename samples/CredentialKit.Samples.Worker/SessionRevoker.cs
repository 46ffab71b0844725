using CredentialKit.LocalSts;
using Microsoft.Extensions.Options;

namespace CredentialKit.Samples.Worker;

/// <summary>
/// Plays AWS revoking the <c>reports</c> role session: once, after <see cref="WorkerSettings.RevokeSessionAfter"/>, LocalSts
/// expires the session the profile holds. The workers' next calls are rejected with <c>ExpiredToken</c>, CredentialKit logs
/// the healing (EventId 120), renews the session with one AssumeRole, and the calls succeed.
/// </summary>
public sealed partial class SessionRevoker(
    LocalStsServer localSts,
    [FromKeyedServices("reports")] ICredentialProvider reports,
    IOptions<WorkerSettings> settings,
    TimeProvider time,
    ILogger<SessionRevoker> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Value.RevokeSessionAfter <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(settings.Value.RevokeSessionAfter, time, stoppingToken).ConfigureAwait(false);
            var session = await reports.GetCredentialsAsync(stoppingToken).ConfigureAwait(false);
            if (localSts.ExpireSession(session.AccessKeyId))
            {
                LogRevoked(logger, session.ToString());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (CredentialRefreshException e)
        {
            LogNoSession(logger, e.ErrorCode);
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "LocalSts revoked the reports session {Session}: the next calls heal")]
    private static partial void LogRevoked(ILogger logger, string session);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "No reports session to revoke: {ErrorCode}")]
    private static partial void LogNoSession(ILogger logger, string? errorCode);
}
