using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace CredentialKit.Redis;

/// <summary>The store's fleet STS budget (<see cref="IFleetStsBudget"/>): one GCRA bucket per account and region in Redis.</summary>
public sealed partial class RedisSharedSessionStore : IFleetStsBudget
{
    private const int MaxScopeLength = 128;

    /// <inheritdoc />
    /// <remarks>
    /// Keys: <c>{prefix}budget:{scope}</c> (a scope longer than 128 characters is hashed). One <c>EVAL</c> per call, inside
    /// the store's time-box and circuit breaker; a failure is thrown, and CredentialKit then paces with the process's own limit.
    /// </remarks>
    public async ValueTask<FleetStsBudgetDecision> TryAcquireAsync(FleetStsBudgetRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.Scope, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.RequestsPerSecond, 1, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Burst, 1, nameof(request));
        var key = BudgetKey(request.Scope);
        var interval = FleetStsBudgetScript.IntervalMicroseconds(request.RequestsPerSecond);
        var tolerance = FleetStsBudgetScript.ToleranceMicroseconds(request.RequestsPerSecond, request.Burst, request.Urgent);
        var started = _time.GetTimestamp();
        var waitMicroseconds = await ExecuteAsync("budget", request.Scope, started, static async (connection, state, _) =>
            (long)await connection.GetDatabase().ScriptEvaluateAsync(FleetStsBudgetScript.Lua, [state.key], [state.interval, state.tolerance]).ConfigureAwait(false),
            (key, interval, tolerance), cancellationToken).ConfigureAwait(false);
        var granted = waitMicroseconds < 0;
        _telemetry.Record("budget", granted ? "success" : "miss", _time.GetElapsedTime(started));
        return granted ? FleetStsBudgetDecision.Grant : FleetStsBudgetDecision.Wait(TimeSpan.FromTicks(waitMicroseconds * 10));
    }

    private RedisKey BudgetKey(string scope) =>
        _prefix + "budget:" + (scope.Length <= MaxScopeLength ? scope : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(scope))));
}
