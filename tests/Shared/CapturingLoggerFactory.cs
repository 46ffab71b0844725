using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CredentialKit.Testing;

/// <summary>One log record: its fields as logged, and every piece of its text rendered when it was written.</summary>
public sealed record LogRecord(
    string Category,
    LogLevel Level,
    EventId EventId,
    string Message,
    Exception? Exception,
    IReadOnlyList<KeyValuePair<string, object?>> State,
    IReadOnlyList<string> Text)
{
    /// <summary>Gets the value of a structured-logging field, or <see langword="null"/>.</summary>
    public object? this[string name] => State.FirstOrDefault(p => p.Key == name).Value;

    /// <summary>The message, every field value and the exception (with inner ones), as text.</summary>
    public IEnumerable<string> AllText() => Text;
}

/// <summary>
/// An <see cref="ILoggerFactory"/> that keeps every record at every level. Fields are copied and text is rendered at
/// once, because some states (ASP.NET Core's request logging) read live objects that throw once the request has ended.
/// Shared by every test project through a linked source file.
/// </summary>
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
            var fields = state is IEnumerable<KeyValuePair<string, object?>> values ? values.ToList() : [];
            var message = formatter(state, exception);
            var text = fields.Select(p => Convert.ToString(p.Value, CultureInfo.InvariantCulture)).Append(message).Append(exception?.ToString())
                .OfType<string>().ToList();
            records.Enqueue(new LogRecord(category, logLevel, eventId, message, exception, fields, text));
        }
    }
}
