using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CredentialKit.Samples.Worker;

/// <summary>Prints the CredentialKit health check (state, remaining lifetime, last error per profile) on a timer.</summary>
public sealed partial class HealthReporter(
    HealthCheckService health,
    IOptions<WorkerSettings> settings,
    TimeProvider time,
    ILogger<HealthReporter> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(settings.Value.HealthInterval, time, stoppingToken).ConfigureAwait(false);
                var report = await health.CheckHealthAsync(stoppingToken);
                foreach (var (name, entry) in report.Entries)
                {
                    var data = string.Join(", ", entry.Data.Select(d => $"{d.Key}={d.Value}"));
                    LogHealth(logger, name, entry.Status, entry.Description, data);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Health {Check}: {Status} — {Description} [{Data}]")]
    private static partial void LogHealth(ILogger logger, string check, HealthStatus status, string? description, string data);
}
