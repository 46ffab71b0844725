using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CredentialKit.Samples.ConsoleApp;

/// <summary>One CredentialKit log event, kept for the live view and the timeline picture.</summary>
internal sealed record DemoEvent(TimeSpan At, int EventId, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Fields);

/// <summary>An <see cref="ILoggerProvider"/> that keeps CredentialKit's events (they never contain secrets).</summary>
internal sealed class EventLog(TimeProvider time) : ILoggerProvider
{
    private readonly long _started = time.GetTimestamp();
    private readonly ConcurrentQueue<DemoEvent> _events = new();

    public IReadOnlyList<DemoEvent> All => [.. _events];

    public TimeSpan Elapsed => time.GetElapsedTime(_started);

    public void Note(string message) =>
        _events.Enqueue(new DemoEvent(Elapsed, 0, LogLevel.Information, message, new Dictionary<string, object?>()));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(EventLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = (state as IReadOnlyList<KeyValuePair<string, object?>> ?? [])
                .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value);
            log._events.Enqueue(new DemoEvent(log.Elapsed, eventId.Id, logLevel, formatter(state, exception), fields));
        }
    }
}
