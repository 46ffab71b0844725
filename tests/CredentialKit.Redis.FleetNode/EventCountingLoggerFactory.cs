using Microsoft.Extensions.Logging;

namespace CredentialKit.Redis.FleetNode;

/// <summary>Counts log events by EventId (for the node's summary: how often the fleet budget fell back to local pacing); writes nothing.</summary>
internal sealed class EventCountingLoggerFactory : ILoggerFactory, ILogger
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, long> _counts = new();

    public long Count(int eventId) => _counts.TryGetValue(eventId, out var count) ? count : 0;

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _counts.AddOrUpdate(eventId.Id, 1, static (_, count) => count + 1);

    public void Dispose()
    {
    }
}
