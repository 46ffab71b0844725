using CredentialKit.LocalSts;
using Microsoft.Extensions.Logging;

namespace CredentialKit.Samples.ConsoleApp;

/// <summary>What the run achieved, printed at the end.</summary>
internal sealed record DemoSummary(long CallsServed, long CallsFailed, int StsCalls, int FaultsInjected, int FaultsSurvived, long ExpiredHandedOut);

/// <summary>
/// Runs the chain for the configured duration: workers call the provider continuously, the live view shows every hop,
/// and halfway through a throttling storm and an STS outage show the service riding through on cached credentials.
/// </summary>
internal sealed class Demo(DemoSettings settings)
{
    private const int Workers = 4;
    private readonly TimeProvider _time = TimeProvider.System;
    private long _served;
    private long _failed;
    private long _expired;

    public async Task<DemoSummary> RunAsync(CancellationToken cancellationToken)
    {
        var events = new EventLog(_time);
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(events));
        await using var sts = settings.UsesRealAws ? null : await StartLocalStsAsync(cancellationToken);
        var chain = sts is null ? DemoChain.ForRealAws(settings) : DemoChain.ForLocalSts(sts.Endpoint);

        await using var cache = new SessionCache(new SessionCacheOptions { TimeProvider = _time, LoggerFactory = loggerFactory });
        // One provider per hop (they share the cache, so each prefix's sessions are the chain's own) to show every hop.
        var hops = chain.Roles.Count == 0
            ? [CredentialProvider.Create(chain, cache, settings.AwsProfile ?? "source")]
            : Enumerable.Range(1, chain.Roles.Count)
                .Select(n => CredentialProvider.Create(DemoChain.Prefix(chain, n), cache, RoleName(chain.Roles[n - 1].RoleArn!)))
                .ToList();
        var provider = hops[^1];
        var minimumLifetime = chain.Refresh.MinimumLifetime;
        var view = new LiveView(hops, events, sts, settings.Duration);
        var startedAt = _time.GetUtcNow();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(settings.Duration);
        var workers = Enumerable.Range(0, Workers).Select(_ => WorkAsync(provider, minimumLifetime, stop.Token)).ToList();
        var faults = sts is null ? Task.CompletedTask : InjectFaultsAsync(sts, provider, chain.Refresh.RefreshAhead!.Value, events, stop.Token);
        await view.RunAsync(() => (Interlocked.Read(ref _served), Interlocked.Read(ref _failed), Interlocked.Read(ref _expired)), stop.Token);
        await Task.WhenAll(workers);
        await faults;

        var journal = sts?.Journal.Snapshot() ?? [];
        var summary = new DemoSummary(
            _served,
            _failed,
            journal.Count,
            journal.Count(e => !e.Succeeded),
            journal.Count(e => !e.Succeeded),
            _expired);
        view.PrintSummary(summary);
        if (settings.TimelinePath is { } path)
        {
            TimelineSvg.Write(path, events.All, hops.Select(h => h.GetStatus().RoleArn ?? "?").ToList(), startedAt, settings.Duration);
            Console.WriteLine($"Timeline written to {path}");
        }

        foreach (var hop in hops)
        {
            await hop.DisposeAsync();
        }

        return summary;
    }

    private async Task<LocalStsServer> StartLocalStsAsync(CancellationToken cancellationToken)
    {
        var options = LocalStsOptions.CreateDemo();
        options.SessionLifetimeOverride = DemoChain.LocalSessionLifetime;
        return await LocalStsServer.StartNewAsync(options, _time, loggerFactory: null, cancellationToken);
    }

    private async Task WorkAsync(ICredentialProvider provider, TimeSpan minimumLifetime, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var credentials = await provider.GetCredentialsAsync(cancellationToken);
                Interlocked.Increment(ref _served);
                if (credentials.Expiration - _time.GetUtcNow() < minimumLifetime - TimeSpan.FromMilliseconds(50))
                {
                    // Counted strictly (a small margin for the time between the check and this line).
                    Interlocked.Increment(ref _expired);
                }
            }
            catch (CredentialRefreshException)
            {
                Interlocked.Increment(ref _failed);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Injects the faults where they meet a refresh: the throttling storm just as the last hop enters its refresh
    /// window (so its refresh really meets it), then, if the run leaves time to show the recovery, an outage at the
    /// next window, shorter than the usable rest of the cached session.
    /// </summary>
    private async Task InjectFaultsAsync(LocalStsServer sts, ICredentialProvider provider, TimeSpan refreshAhead, EventLog events, CancellationToken cancellationToken)
    {
        var endsAt = _time.GetUtcNow() + settings.Duration;
        try
        {
            await WaitForRefreshWindowAsync(provider, refreshAhead, cancellationToken);
            sts.Faults.Enqueue(LocalStsFault.Throttling(), "AssumeRole", count: 6);
            events.Note("Injected a throttling storm: the next 6 AssumeRole calls answer Throttling");
            while (sts.Faults.PendingCount("AssumeRole") > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken);
            }

            events.Note("Throttling storm absorbed");

            // The outage needs a fresh session to ride through on and a session's time afterwards to show recovery.
            await WaitForFreshAsync(provider, refreshAhead, cancellationToken);
            if (_time.GetUtcNow() + DemoChain.LocalSessionLifetime + DemoChain.OutageLength + DemoChain.LocalSessionLifetime > endsAt)
            {
                events.Note("No STS outage in this run: too short to show it and the recovery (use --duration 60 or more)");
                return;
            }

            await WaitForRefreshWindowAsync(provider, refreshAhead, cancellationToken);
            sts.Faults.StartOutage(LocalStsFault.ServiceUnavailable());
            events.Note("STS outage started: every call answers 503 ServiceUnavailable");
            await Task.Delay(DemoChain.OutageLength, _time, cancellationToken);
            sts.Faults.EndOutage();
            events.Note("STS outage ended");
        }
        catch (OperationCanceledException)
        {
            sts.Faults.Reset();
        }
    }

    private async Task WaitForRefreshWindowAsync(ICredentialProvider provider, TimeSpan refreshAhead, CancellationToken cancellationToken)
    {
        while (provider.GetStatus().RemainingLifetime is not { } left || left > refreshAhead)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken);
        }
    }

    private async Task WaitForFreshAsync(ICredentialProvider provider, TimeSpan refreshAhead, CancellationToken cancellationToken)
    {
        while (provider.GetStatus() is not { State: CredentialProviderState.Fresh, RemainingLifetime: { } left } || left <= refreshAhead)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken);
        }
    }

    private static string RoleName(string roleArn) => roleArn[(roleArn.LastIndexOf('/') + 1)..];
}
