using Microsoft.Extensions.Logging;

namespace CredentialKit.Tests.Helpers;

/// <summary>The shared capturing logger keeps what the secret-leak tests search: fields, message, exception and scopes.</summary>
public class CapturingLoggerFactoryTests
{
    [Fact]
    public void Log_InsideScopes_RecordsScopeStatesAndTheirTextWithTheRecord()
    {
        using var logs = new CapturingLoggerFactory();
        var outer = logs.CreateLogger("Outer");
        var inner = logs.CreateLogger("Inner");

        using (outer.BeginScope("request {RequestId}", "r-42"))
        using (outer.BeginScope(new Dictionary<string, object?> { ["Token"] = "scope-secret" }))
        {
            inner.LogWarning(new EventId(7, "Seven"), new InvalidOperationException("boom"), "Attempt {Attempt} took {Delay}", 3, TimeSpan.FromSeconds(2));
        }

        inner.LogInformation("after the scopes");

        var record = Assert.Single(logs.WithEventId(7));
        Assert.Equal("Inner", record.Category);
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal("Attempt 3 took 00:00:02", record.Message);
        Assert.Equal(3, record["Attempt"]);
        Assert.Equal(TimeSpan.FromSeconds(2), record["Delay"]); // fields keep their types
        Assert.Equal(2, record.Scopes.Count);
        Assert.Contains("request r-42", record.AllText());
        Assert.Contains("scope-secret", record.AllText());
        Assert.Contains(record.AllText(), t => t.Contains("boom", StringComparison.Ordinal));
        Assert.Empty(logs.Records.Single(r => r.Message == "after the scopes").Scopes);
        Assert.Equal(2, logs.Collector.Count);
    }

    [Fact]
    public async Task Log_FromConcurrentFlows_KeepsEachFlowsOwnScopes()
    {
        using var logs = new CapturingLoggerFactory();
        var logger = logs.CreateLogger("Flows");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            using (logger.BeginScope("flow {Flow}", i))
            {
                logger.LogInformation("in flow {Flow}", i);
            }
        })));

        Assert.Equal(8, logs.Records.Count);
        Assert.All(logs.Records, r => Assert.Equal($"flow {r["Flow"]}", Assert.Single(r.Scopes)?.ToString()));
    }
}
