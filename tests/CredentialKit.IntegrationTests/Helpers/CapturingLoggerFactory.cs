using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CredentialKit.IntegrationTests.Helpers;

/// <summary>One log record, with its state rendered to text when it was written.</summary>
internal sealed record LogRecord(
    string Category, LogLevel Level, EventId EventId, string Message, string? Exception, IReadOnlyList<KeyValuePair<string, string?>> State)
{
    public string? this[string name] => State.FirstOrDefault(p => p.Key == name).Value;

    /// <summary>Every piece of text the record carries: message, state values and the exception with its inner ones.</summary>
    public IEnumerable<string> AllText() =>
        State.Select(p => p.Value).Append(Message).Append(Exception).OfType<string>();
}

/// <summary>
/// An <see cref="ILoggerFactory"/> that keeps every record at every level, for the provider and LocalSts alike.
/// </summary>
/// <remarks>
/// Unlike the unit tests' capturing logger, it renders the state at once: ASP.NET Core's request-logging states read
/// the live request and throw once the request has ended.
/// </remarks>
internal sealed class CapturingLoggerFactory : ILoggerFactory
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
            var pairs = state is IEnumerable<KeyValuePair<string, object?>> values
                ? values.Select(p => new KeyValuePair<string, string?>(p.Key, Convert.ToString(p.Value, CultureInfo.InvariantCulture))).ToList()
                : [];
            records.Enqueue(new LogRecord(category, logLevel, eventId, formatter(state, exception), exception?.ToString(), pairs));
        }
    }
}
