using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Options;

namespace CredentialKit.Samples.Worker;

/// <summary>
/// Calls STS GetCallerIdentity with the <c>reports</c> profile's credentials, injected as a keyed
/// <see cref="AWSCredentials"/> exactly as any AWS SDK client would take them. The client is built once; every call is
/// signed with the current session, refreshed ahead of expiry in the background.
/// </summary>
public sealed partial class CallerIdentityWorker(
    [FromKeyedServices("reports")] AWSCredentials credentials,
    StsEndpoint endpoint,
    IOptions<WorkerSettings> settings,
    TimeProvider time,
    ILogger<CallerIdentityWorker> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var client = new AmazonSecurityTokenServiceClient(credentials, new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = endpoint.Url.ToString(),
            AuthenticationRegion = "us-east-1",
        });
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), stoppingToken);
                LogIdentity(logger, identity.Arn, identity.Account);
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
