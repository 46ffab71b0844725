using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CredentialKit.Tests.Helpers;

/// <summary>One formatted log line with its event id, level and the exception attached to it.</summary>
public sealed record LogRecord(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, IReadOnlyList<KeyValuePair<string, object?>> State)
{
    public object? this[string name] => State.FirstOrDefault(p => p.Key == name).Value;
}

/// <summary>An <see cref="ILoggerFactory"/> that keeps every log record at every level.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public IReadOnlyList<LogRecord> Records => [.. _records];

    public IEnumerable<LogRecord> WithEventId(int id) => Records.Where(r => r.EventId.Id == id);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _records);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<LogRecord> records) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var pairs = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            records.Enqueue(new LogRecord(category, logLevel, eventId, formatter(state, exception), exception, pairs));
        }
    }
}
