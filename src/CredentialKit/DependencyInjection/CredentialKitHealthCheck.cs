using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CredentialKit;

/// <summary>
/// Reports the worst state among the registered profiles: Healthy when every one is
/// <see cref="CredentialProviderState.Fresh"/>, Degraded when one serves cached credentials after a failed refresh or is
/// below its minimum lifetime, and the registration's failure status (Unhealthy by default) when one has no credentials.
/// </summary>
/// <remarks>
/// <see cref="HealthCheckResult.Data"/> holds, per profile, <c>&lt;profile&gt;:state</c>,
/// <c>&lt;profile&gt;:remainingLifetimeSeconds</c> (while a session is held) and <c>&lt;profile&gt;:lastErrorCode</c>
/// (after a failure), <c>&lt;profile&gt;:clockSkewSeconds</c> (STS's clock minus the local one, when measured), and
/// <c>&lt;profile&gt;:reloadFailed</c> / <c>&lt;profile&gt;:reloadProblems</c> while the profile's reloaded configuration is
/// rejected (a fresh profile is then Degraded), and <c>&lt;profile&gt;:unavailableEndpoints</c> (one line per STS
/// endpoint that refreshes avoid, with since when; it does not change the status, since a fallback endpoint serves the
/// profile meanwhile): never a key, a secret or a token. Reading the status makes no STS call.
/// With a shared session store, <c>sharedStore:available</c>, <c>sharedStore:state</c> and, while it is down,
/// <c>sharedStore:unavailableSince</c> and <c>sharedStore:lastError</c> report it; they never change the status, since every
/// process keeps its credentials without the store.
/// </remarks>
internal sealed class CredentialKitHealthCheck(ICredentialProviderFactory factory, SessionCache? cache = null) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failureStatus = context.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var findings = new List<(string Profile, HealthStatus Status, string Reason)>();
        AddSharedStore(data, cache?.SharedStoreStatus);
        foreach (var name in factory.ProfileNames)
        {
            CredentialProviderStatus status;
            try
            {
                status = factory.GetProvider(name).GetStatus();
            }
            catch (OptionsValidationException e)
            {
                data[$"{name}:state"] = "InvalidOptions";
                findings.Add((name, failureStatus, $"has invalid options ({e.Failures.Count()} problem(s))"));
                continue;
            }

            data[$"{name}:state"] = status.State.ToString();
            if (status.RemainingLifetime is { } remaining)
            {
                data[$"{name}:remainingLifetimeSeconds"] = (long)Math.Max(0, Math.Floor(remaining.TotalSeconds));
            }

            if (status.ClockSkew is { } skew)
            {
                data[$"{name}:clockSkewSeconds"] = Math.Round(skew.TotalSeconds, 1);
            }

            if (status.LastErrorCode is { } code)
            {
                data[$"{name}:lastErrorCode"] = code;
            }

            if (status.UnavailableEndpoints.Count > 0)
            {
                // Data only: the profile's credentials come from a fallback endpoint meanwhile.
                data[$"{name}:unavailableEndpoints"] = status.UnavailableEndpoints.Select(e => e.ToString()).ToArray();
            }

            if ((factory as CredentialProviderFactory)?.ReloadFailureOf(name) is { } reload)
            {
                // The configuration on disk is not what the profile runs: say so until a valid reload replaces it.
                var problems = reload.Failures.Count();
                data[$"{name}:reloadFailed"] = true;
                data[$"{name}:reloadProblems"] = problems;
                if (status.State == CredentialProviderState.Fresh)
                {
                    findings.Add((name, HealthStatus.Degraded, $"rejected its reloaded settings ({problems} problem(s)) and serves its previous ones"));
                    continue;
                }
            }

            var lastError = status.LastErrorCode is null ? string.Empty : $", last error {status.LastErrorCode}";
            switch (status.State)
            {
                case CredentialProviderState.Fresh:
                    findings.Add((name, HealthStatus.Healthy, "is fresh"));
                    break;
                case CredentialProviderState.ServingCachedAfterFailure:
                    findings.Add((name, HealthStatus.Degraded, $"serves cached credentials after a failed refresh ({Remaining(status)} left{lastError})"));
                    break;
                case CredentialProviderState.BelowMinimumLifetime:
                    findings.Add((name, HealthStatus.Degraded, $"is below its minimum lifetime ({Remaining(status)} left{lastError})"));
                    break;
                default:
                    findings.Add((name, failureStatus, $"has no credentials{lastError}"));
                    break;
            }
        }

        if (findings.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("No CredentialKit profile is registered.", data));
        }

        var worst = findings.Min(f => f.Status);
        if (worst == HealthStatus.Healthy)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"All {findings.Count} CredentialKit profile(s) are fresh.", data));
        }

        var description = string.Join("; ", findings.Where(f => f.Status == worst).Select(f => $"profile '{f.Profile}' {f.Reason}"));
        return Task.FromResult(new HealthCheckResult(worst, $"CredentialKit: {description}.", data: data));
    }

    private static string Remaining(CredentialProviderStatus status) =>
        status.RemainingLifetime is { } remaining
            ? remaining.ToString(remaining >= TimeSpan.FromHours(1) ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture)
            : "none";

    private static void AddSharedStore(Dictionary<string, object> data, SharedSessionStoreStatus? store)
    {
        if (store is null)
        {
            return;
        }

        data["sharedStore:available"] = store.IsAvailable;
        data["sharedStore:state"] = store.State;
        if (store.UnavailableSince is { } since)
        {
            data["sharedStore:unavailableSince"] = since.ToString("O", CultureInfo.InvariantCulture);
        }

        if (store.LastError is { } error)
        {
            data["sharedStore:lastError"] = error;
        }
    }
}
