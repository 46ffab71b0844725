using CredentialKit.LocalSts.Faults;

namespace CredentialKit.LocalSts;

/// <summary>
/// Fault injection, usable while the server runs (thread-safe): scripted next responses per operation, an outage switch and a
/// per-account token-bucket rate limit. Precedence per request: outage, then the operation's script, then the any-operation script,
/// then the rate limit (after authentication).
/// </summary>
public sealed class LocalStsFaults
{
    private const string AnyOperation = "*";
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Queue<LocalStsFault>> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocalStsFault> _outages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private LocalStsRateLimit? _rateLimit;

    internal LocalStsFaults(TimeProvider time, LocalStsRateLimit? rateLimit)
    {
        _time = time;
        _rateLimit = rateLimit;
    }

    /// <summary>Scripts the next <paramref name="count"/> responses of <paramref name="operation"/> (or of any operation when
    /// <see langword="null"/>) to be <paramref name="fault"/>. Scripts queue up in call order.</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="operation">The STS action, for example <c>AssumeRole</c>; <see langword="null"/> for any.</param>
    /// <param name="count">How many requests it applies to.</param>
    public void Enqueue(LocalStsFault fault, string? operation = null, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_gate)
        {
            var key = operation ?? AnyOperation;
            if (!_scripts.TryGetValue(key, out var queue))
            {
                queue = new Queue<LocalStsFault>();
                _scripts[key] = queue;
            }

            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(fault);
            }
        }
    }

    /// <summary>Number of scripted faults not yet consumed for <paramref name="operation"/> (<see langword="null"/>: the any-operation script).</summary>
    /// <param name="operation">The STS action, or <see langword="null"/>.</param>
    /// <returns>The pending count.</returns>
    public int PendingCount(string? operation = null)
    {
        lock (_gate)
        {
            return _scripts.TryGetValue(operation ?? AnyOperation, out var q) ? q.Count : 0;
        }
    }

    /// <summary>Starts an outage: every request (of <paramref name="operation"/>, or all when <see langword="null"/>) gets
    /// <paramref name="fault"/> until <see cref="EndOutage"/>.</summary>
    /// <param name="fault">The fault; default <see cref="LocalStsFault.ServiceUnavailable"/>.</param>
    /// <param name="operation">The STS action, or <see langword="null"/> for all.</param>
    public void StartOutage(LocalStsFault? fault = null, string? operation = null)
    {
        lock (_gate)
        {
            _outages[operation ?? AnyOperation] = fault ?? LocalStsFault.ServiceUnavailable();
        }
    }

    /// <summary>Ends the outage for <paramref name="operation"/> (<see langword="null"/>: ends every outage).</summary>
    /// <param name="operation">The STS action, or <see langword="null"/>.</param>
    public void EndOutage(string? operation = null)
    {
        lock (_gate)
        {
            if (operation is null)
            {
                _outages.Clear();
            }
            else
            {
                _outages.Remove(operation);
            }
        }
    }

    /// <summary>Sets (or with <see langword="null"/> removes) the per-account token-bucket rate limit. Buckets restart full.</summary>
    /// <param name="limit">The limit, or <see langword="null"/>.</param>
    public void SetRateLimit(LocalStsRateLimit? limit)
    {
        if (limit is not null)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit.RequestsPerSecond);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit.Burst);
        }

        lock (_gate)
        {
            _rateLimit = limit;
            _buckets.Clear();
        }
    }

    /// <summary>Drops every scripted fault not yet consumed (outages and the rate limit stay).</summary>
    public void ClearScripts()
    {
        lock (_gate)
        {
            _scripts.Clear();
        }
    }

    /// <summary>Clears scripts, outages and the rate limit.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _scripts.Clear();
            _outages.Clear();
            _buckets.Clear();
            _rateLimit = null;
        }
    }

    internal LocalStsFault? Next(string operation)
    {
        lock (_gate)
        {
            if (_outages.TryGetValue(operation, out var outage) || _outages.TryGetValue(AnyOperation, out outage))
            {
                return outage;
            }

            if (_scripts.TryGetValue(operation, out var q) && q.TryDequeue(out var fault))
            {
                return fault;
            }

            return _scripts.TryGetValue(AnyOperation, out var any) && any.TryDequeue(out fault) ? fault : null;
        }
    }

    internal bool TryAcquire(string accountId)
    {
        lock (_gate)
        {
            if (_rateLimit is null)
            {
                return true;
            }

            if (!_buckets.TryGetValue(accountId, out var bucket))
            {
                bucket = new TokenBucket(_rateLimit, _time);
                _buckets[accountId] = bucket;
            }

            return bucket.TryTake();
        }
    }
}
