using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CredentialKit.Testing;

/// <summary>One log record: its fields as logged, its active scopes, and every piece of its text rendered when it was written.</summary>
public sealed record LogRecord(
    string Category,
    LogLevel Level,
    EventId EventId,
    string Message,
    Exception? Exception,
    IReadOnlyList<KeyValuePair<string, object?>> State,
    IReadOnlyList<string> Text)
{
    /// <summary>Gets the states of the scopes that were active when the record was written, outermost first.</summary>
    public IReadOnlyList<object?> Scopes { get; init; } = [];

    /// <summary>Gets the value of a structured-logging field, or <see langword="null"/>.</summary>
    public object? this[string name] => State.FirstOrDefault(p => p.Key == name).Value;

    /// <summary>The message, every field value, every active scope (its text and its fields) and the exception (with inner ones), as text.</summary>
    public IEnumerable<string> AllText() => Text;
}

/// <summary>
/// An <see cref="ILoggerFactory"/> that keeps every record at every level, over <c>Microsoft.Extensions.Diagnostics.Testing</c>'s
/// <see cref="FakeLogger"/>: every logger writes to one <see cref="FakeLogCollector"/> (<see cref="Collector"/>). Fields, scopes
/// and text are also copied and rendered at once, because some states (ASP.NET Core's request logging and scopes) read live
/// objects that throw once the request has ended. Scopes are shared by every logger of the factory, as in a real logging
/// provider, so a scope begun on one category is seen on the records of another. Shared by every test project through a
/// linked source file.
/// </summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly LoggerExternalScopeProvider _scopes = new();

    // The FakeLogger turns a record's fields into strings; the typed fields and rendered text are kept here, keyed by the
    // record it wrote. A write and its lookup key are taken under one lock, so Collector.LatestRecord is that write's.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<FakeLogRecord, Captured> _captured = new();
    private readonly object _sync = new();

    /// <summary>Gets the collector behind every logger, for tests that want <see cref="FakeLogRecord"/>s.</summary>
    public FakeLogCollector Collector { get; } = new();

    public IReadOnlyList<LogRecord> Records => [.. Collector.GetSnapshot().Select(ToRecord).OfType<LogRecord>()];

    public IEnumerable<LogRecord> WithEventId(int id) => Records.Where(r => r.EventId.Id == id);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, new FakeLogger(Collector, categoryName));

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private LogRecord? ToRecord(FakeLogRecord record) =>
        _captured.TryGetValue(record, out var captured)
            ? new(captured.Category, record.Level, record.Id, record.Message, record.Exception, captured.Fields, captured.Text) { Scopes = captured.Scopes }
            : null;

    private static string? Render(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture);

    /// <summary>What a record held when it was written, beside the <see cref="FakeLogRecord"/> the collector keeps.</summary>
    private sealed record Captured(string Category, IReadOnlyList<KeyValuePair<string, object?>> Fields, IReadOnlyList<object?> Scopes, IReadOnlyList<string> Text);

    private sealed class CapturingLogger(CapturingLoggerFactory factory, FakeLogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => new Scope(factory._scopes.Push(state), inner.BeginScope(state));

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state is IEnumerable<KeyValuePair<string, object?>> values ? values.ToList() : [];
            var message = formatter(state, exception);
            var scopeStates = new List<object?>();
            var scopeText = new List<string?>();
            factory._scopes.ForEachScope(
                static (scope, captured) =>
                {
                    captured.States.Add(scope);
                    captured.Text.Add(Render(scope));
                    if (scope is IEnumerable<KeyValuePair<string, object?>> scopeFields)
                    {
                        captured.Text.AddRange(scopeFields.Select(p => Render(p.Value)));
                    }
                },
                (States: scopeStates, Text: scopeText));
            var text = fields.Select(p => Render(p.Value)).Append(message).Concat(scopeText).Append(exception?.ToString())
                .OfType<string>().ToList();
            var captured = new Captured(inner.Category ?? string.Empty, fields, scopeStates, text);
            lock (factory._sync)
            {
                inner.Log(logLevel, eventId, state, exception, (_, _) => message);
                factory._captured.AddOrUpdate(factory.Collector.LatestRecord, captured);
            }
        }
    }

    private sealed class Scope(IDisposable shared, IDisposable? own) : IDisposable
    {
        public void Dispose()
        {
            own?.Dispose();
            shared.Dispose();
        }
    }
}
