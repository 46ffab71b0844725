using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Telemetry;

/// <summary>
/// Runs the provider through its scenarios (success, chaining, MFA, retries, served-cached, hard failure, invalidation,
/// the SDK adapter) and checks every log line, exception message, ToString, metric tag and span attribute for secrets.
/// </summary>
public class SecretsNeverLeaveTests
{
    private const string MfaCode = "918273";
    private const string ExternalId = "EXTERNALIDsecretish77";

    [Fact]
    public async Task AllScenarios_NoSecretInLogsExceptionsToStringMetricsOrSpans()
    {
        var fixture = new ProviderFixture();
        var texts = new ConcurrentBag<string>();
        using var meters = ListenToMetrics(texts);
        using var spans = ListenToSpans(texts);

        var options = ProviderFixture.Profile(ProviderFixture.HubArn, ProviderFixture.ReportsArn);
        options.Source.SessionToken = "SOURCETOKENabcdef0123456789";
        options.Roles[0].MfaSerialNumber = "arn:aws:iam::111122223333:mfa/alice";
        options.Roles[0].MfaTokenCodeProvider = _ => ValueTask.FromResult(MfaCode);
        options.Roles[1].ExternalId = ExternalId;
        options.Refresh.BackgroundRefresh = true;
        texts.Add(options.Source.ToString());
        await using (var provider = fixture.Create(options, "secrets"))
        {
            fixture.Sts.EnqueueError("Throttling", message: "Rate exceeded", times: 2);
            var credentials = await provider.GetCredentialsAsync();
            texts.Add(credentials.ToString());
            texts.Add(provider.GetStatus().ToString());
            texts.Add(provider.ToString()!);
            await provider.ToAwsCredentials().GetCredentialsAsync();

            fixture.Sts.EnqueueError("AccessDenied", HttpStatusCode.Forbidden, "not authorized");
            fixture.Time.Advance(TimeSpan.FromMinutes(45)); // timer → served cached after failure
            await ProviderFixture.WhenIdleAsync(provider);
            texts.Add(provider.GetStatus().ToString());

            provider.Invalidate();
            fixture.Sts.EnqueueError("AccessDenied", HttpStatusCode.Forbidden, "not authorized");
            var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());
            texts.Add(error.ToString());

            var tenant = provider.ForRole(new AssumeRoleOptions { RoleArn = "arn:aws:iam::123456789012:role/tenant", ExternalId = ExternalId });
            fixture.Time.Advance(TimeSpan.FromSeconds(6));
            texts.Add((await tenant.GetCredentialsAsync()).ToString());
            meters.RecordObservableInstruments();
        }

        foreach (var record in fixture.Logs.Records)
        {
            // Message, fields, exception and every active scope: a scope with a secret in it leaks as surely as a message.
            foreach (var text in record.AllText())
            {
                texts.Add(text);
            }

            texts.Add(string.Join(";", record.State.Select(p => $"{p.Key}={p.Value}")));
        }

        string[] secrets = [ProviderFixture.SourceSecret, options.Source.SessionToken, MfaCode, ExternalId, .. fixture.Sts.IssuedSecrets];
        Assert.NotEmpty(fixture.Logs.Records);
        Assert.Contains(texts, t => t.Contains("CredentialKit.Refresh", StringComparison.Ordinal)); // spans were seen
        foreach (var text in texts)
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void SessionCredentials_ToString_MasksAccessKeyAndHidesSecrets()
    {
        var credentials = new SessionCredentials("ASIAEXAMPLEKEY007XQZ", "the-secret-key", "the-session-token",
            new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero), "arn:aws:sts::111122223333:assumed-role/hub/app");

        var text = credentials.ToString();

        Assert.Equal("ASIA…7XQZ arn:aws:sts::111122223333:assumed-role/hub/app expires 2026-11-23T13:00:00Z", text);
    }

    [Fact]
    public void SourceCredentialsOptions_ToString_HidesTheSecret()
    {
        var source = new SourceCredentialsOptions { Type = SourceCredentialsType.Static, AccessKeyId = "AKIAIOSFODNN7EXAMPLE", SecretAccessKey = "s3cr3t", SessionToken = "t0k3n" };

        Assert.Equal("Static(AKIA…MPLE)", source.ToString());
    }

    private static MeterListener ListenToMetrics(ConcurrentBag<string> texts)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "CredentialKit")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => texts.Add(instrument.Name + Render(tags)));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => texts.Add(instrument.Name + Render(tags)));
        listener.Start();
        return listener;
    }

    private static ActivityListener ListenToSpans(ConcurrentBag<string> texts)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "CredentialKit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => texts.Add(activity.OperationName + " " + string.Join(";", activity.TagObjects.Select(t => $"{t.Key}={t.Value}")) + activity.StatusDescription),
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static string Render(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags)
        {
            parts.Add($"{tag.Key}={tag.Value}");
        }

        return " " + string.Join(";", parts);
    }
}
