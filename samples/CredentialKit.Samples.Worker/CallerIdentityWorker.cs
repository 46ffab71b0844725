using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Options;

namespace CredentialKit.Samples.Worker;

/// <summary>
/// Calls STS GetCallerIdentity with the client the AWS SDK's <c>AddAWSService&lt;IAmazonSecurityTokenService&gt;()</c>
/// registered, signed by the <c>reports</c> profile (<c>UseAsDefaultAWSCredentials("reports")</c>), and with the <c>hub</c>
/// profile's keyed client (<c>AddKeyedAWSService&lt;IAmazonSecurityTokenService&gt;("hub")</c>). The container builds each
/// client once; every call is signed with the current session, refreshed ahead of expiry in the background, and a call
/// rejected for a revoked session is retried once with a new one.
/// </summary>
public sealed partial class CallerIdentityWorker(
    IAmazonSecurityTokenService client,
    [FromKeyedServices("hub")] IAmazonSecurityTokenService hubClient,
    IOptions<WorkerSettings> settings,
    TimeProvider time,
    ILogger<CallerIdentityWorker> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), stoppingToken);
                LogIdentity(logger, identity.Arn, identity.Account);
                var hub = await hubClient.GetCallerIdentityAsync(new GetCallerIdentityRequest(), stoppingToken);
                LogIdentity(logger, hub.Arn, hub.Account);
            }
            catch (CredentialRefreshException e)
            {
                LogNoCredentials(logger, e.RoleArn, e.ErrorCode);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await Task.Delay(settings.Value.CallInterval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "GetCallerIdentity: {Arn} (account {Account})")]
    private static partial void LogIdentity(ILogger logger, string arn, string account);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "No credentials for {RoleArn}: {ErrorCode}")]
    private static partial void LogNoCredentials(ILogger logger, string? roleArn, string? errorCode);
}
