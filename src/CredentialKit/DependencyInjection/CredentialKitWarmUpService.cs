using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CredentialKit;

/// <summary>
/// Fetches every profile's first session while the host starts (<see cref="CredentialKitOptions.WarmUpOnStart"/>), so the
/// first request does not wait on STS and a role that can never be assumed stops the deployment instead of the first user.
/// </summary>
/// <remarks>
/// Profiles warm up concurrently; start-up waits for each first fetch, including the provider's own retries of transient
/// errors (bounded by <see cref="RefreshOptions.AttemptTimeout"/> and <see cref="RefreshOptions.MaxRetryAttempts"/>).
/// A failure that retrying cannot fix (<see cref="CredentialRefreshException.IsTransient"/> is <see langword="false"/>)
/// fails the start with a <see cref="CredentialRefreshException"/> naming the profile (an <see cref="AggregateException"/>
/// when several fail). A transient one is logged as a warning and the profile is tried again in the background, after
/// <see cref="RefreshOptions.FailedRefreshRetryDelay"/> doubling up to five minutes, until it succeeds, fails for good or
/// the host stops. Stopping does not dispose the providers: services stopping after this one, and
/// <c>ApplicationStopped</c> callbacks, may still need credentials. Disposing the container does.
/// </remarks>
internal sealed class CredentialKitWarmUpService : IHostedService, IDisposable
{
    private readonly CredentialProviderFactory _factory;
    private readonly CredentialKitOptions _options;
    private readonly IOptionsMonitor<CredentialKitProfileOptions> _profiles;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _retries = [];

    public CredentialKitWarmUpService(
        CredentialProviderFactory factory,
        IOptions<CredentialKitOptions> options,
        IOptionsMonitor<CredentialKitProfileOptions> profiles,
        SessionCache cache,
        ILoggerFactory loggerFactory)
    {
        _factory = factory;
        _options = options.Value;
        _profiles = profiles;
        _time = cache.Context.TimeProvider;
        _logger = loggerFactory.CreateLogger("CredentialKit.DependencyInjection");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.WarmUpOnStart || _factory.ProfileNames.Count == 0)
        {
            return;
        }

        var outcomes = await Task.WhenAll(_factory.ProfileNames.Select(name => WarmUpAsync(name, cancellationToken))).ConfigureAwait(false);
        var failures = outcomes.OfType<CredentialRefreshException>().ToList();
        if (failures.Count == 1)
        {
            throw failures[0];
        }

        if (failures.Count > 1)
        {
            throw new AggregateException(
                $"CredentialKit could not warm up {failures.Count} profiles: {string.Join(", ", failures.Select(f => $"'{f.ProfileName}' ({f.ErrorCode})"))}.",
                failures);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] retries;
        lock (_retries)
        {
            retries = [.. _retries];
        }

        await Task.WhenAll(retries).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>Warms one profile; returns the failure that should stop the host, or <see langword="null"/>.</summary>
    private async Task<CredentialRefreshException?> WarmUpAsync(string name, CancellationToken cancellationToken)
    {
        var provider = _factory.GetProvider(name);
        try
        {
            var credentials = await provider.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
            HostingLog.WarmedUp(_logger, name, provider.GetStatus().RoleArn, credentials.Expiration);
            return null;
        }
        catch (CredentialRefreshException e) when (e.IsTransient)
        {
            var delay = _profiles.Get(name).Refresh.FailedRefreshRetryDelay;
            HostingLog.WarmUpTransientFailure(_logger, name, e.ErrorCode, e.RoleArn, e.Attempts, delay);
            lock (_retries)
            {
                // Started here, not with Task.Run, so its first delay is scheduled before the host finishes starting.
                _retries.Add(RetryAsync(name, provider, delay, _stopping.Token));
            }

            return null;
        }
        catch (CredentialRefreshException e)
        {
            HostingLog.WarmUpTerminalFailure(_logger, name, e.ErrorCode, e.RoleArn);

            // The hop that failed may be shared with another profile and carry that profile's name: say which one failed here.
            return new CredentialRefreshException(
                $"CredentialKit could not warm up profile '{name}' at start-up: {e.Message}",
                name, e.RoleArn, e.ErrorCode, e.Attempts, isTransient: false, e);
        }
    }

    private async Task RetryAsync(string name, ICredentialProvider provider, TimeSpan delay, CancellationToken stopping)
    {
        var cap = delay > CredentialKitHostingDefaults.MaxWarmUpRetryDelay ? delay : CredentialKitHostingDefaults.MaxWarmUpRetryDelay;
        while (true)
        {
            try
            {
                await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
                var credentials = await provider.GetCredentialsAsync(stopping).ConfigureAwait(false);
                HostingLog.WarmUpRecovered(_logger, name, provider.GetStatus().RoleArn, credentials.Expiration);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (CredentialRefreshException e) when (e.IsTransient)
            {
                delay = delay * 2 < cap ? delay * 2 : cap;
                HostingLog.WarmUpTransientFailure(_logger, name, e.ErrorCode, e.RoleArn, e.Attempts, delay);
            }
            catch (CredentialRefreshException e)
            {
                HostingLog.WarmUpAbandoned(_logger, name, e.ErrorCode, e.RoleArn);
                return;
            }
        }
    }
}
