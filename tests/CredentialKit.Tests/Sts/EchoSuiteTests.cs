using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using CredentialKit.Tests.Helpers;
using CredentialKit.Tests.Sources;

namespace CredentialKit.Tests.Sts;

/// <summary>
/// Issue #17.3: an endpoint that echoes what it was sent. For every kind of secret CredentialKit sends and every shape an
/// echo can give it, with 500 random secrets each, no 12-character piece of the secret (and no MFA code) survives in the
/// exception, its inner exceptions, any log line, metric tag, span tag or status, or the provider's status.
/// </summary>
/// <remarks>
/// One class per kind of secret. They run alone (<see cref="EchoSuiteCollection"/>): their span and metric listeners are
/// process-wide, and would make other tests' hot paths record spans.
/// </remarks>
public abstract class EchoSuiteTests : IDisposable
{
    /// <summary>Random secrets per kind and shape at the seam every echoed text passes (<see cref="SentSecrets"/>, then <see cref="StsFailures"/>).</summary>
    private const int SecretsPerKind = 500;

    /// <summary>Random secrets per kind and shape sent through a whole provider (logs, metric and span tags, status).</summary>
    private const int SecretsPerKindEndToEnd = 25;
    private const int Piece = 12;
    private const string SamlRoleArn = SourceFixture.SamlRoleArn;

    private static readonly ConcurrentDictionary<int, ConcurrentQueue<string>> Captured = new();
    private static readonly AsyncLocal<int> CaseId = new();

    private readonly SourceFixture _sources = new();

    public enum SecretKind
    {
        SecretAccessKey,
        SessionToken,
        WebIdentityToken,
        SamlAssertion,
        MfaCode,
    }

    /// <summary>The shapes an echo gives a secret: each returns the text the endpoint answers with.</summary>
    private static readonly (string Name, Func<string, Random, string> Echo)[] Shapes =
    [
        ("verbatim", (s, _) => $"The request was rejected: {s} is not valid."),
        ("url-encoded", (s, _) => $"Bad parameter X-Amz-Security-Token={Uri.EscapeDataString(s)}"),
        ("url-encoded twice", (s, _) => $"forwarded=https%3A%2F%2Fsts%2F%3Ft%3D{Uri.EscapeDataString(Uri.EscapeDataString(s))}"),
        ("base64url pieces", (s, r) => BaseUrlPieces(s, r)),
        ("split by tags", (s, r) => $"<html><body><p>{SplitByTags(s, r)}</p></body></html>"),
        ("wrapped at 16", (s, _) => $"token:\n{Wrap(s, 16, "\n")}\nend"),
        ("wrapped at 64", (s, _) => $"token:\r\n{Wrap(s, 64, "\r\n    ")}\r\nend"),
        ("JSON-escaped", (s, _) => $"{{\"error\":\"denied\",\"echo\":\"{JsonEscape(s)}\"}}"),
        ("HTML-escaped", (s, _) => $"<pre>{HtmlEscape(s)}</pre>"),
        ("inside a quoted URL", (s, _) => $"Location: \"https://sts.amazonaws.com/?Action=AssumeRole&amp;Token={Uri.EscapeDataString(s)}&amp;Version=2011-06-15\""),
        ("truncated at the cut", (s, r) => new string('x', 200 + r.Next(60)) + " " + s),
        ("after a long page", (s, r) => new string('y', (SecretRedaction.MaxEchoedLength * 16) - 30 - r.Next(30)) + s),
        ("base64 of the request", (s, r) => Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('p', r.Next(3)) + "token=" + s + "&x=1"))),
    ];

    protected abstract SecretKind Kind { get; }

    [Fact]
    public async Task EchoedSecret_AtTheAttemptSeam_NoPieceSurvivesInTheExceptionItsCodeOrItsInnerExceptions()
    {
        var kind = Kind;
        var random = new Random(1700 + (int)kind);
        var scenario = new Scenario(kind, _sources, random);
        var cases = 0;
        for (var i = 0; i < SecretsPerKind; i++)
        {
            foreach (var (name, echo) in Shapes)
            {
                var secret = scenario.NextSecret();
                var sent = new SentSecrets();
                Amazon.Runtime.AWSCredentials signer = new Amazon.Runtime.AnonymousAWSCredentials();
                if (kind is SecretKind.SecretAccessKey or SecretKind.SessionToken)
                {
                    signer = new Amazon.Runtime.SessionAWSCredentials(ProviderFixture.SourceAccessKeyId,
                        kind == SecretKind.SecretAccessKey ? secret : ProviderFixture.SourceSecret, kind == SecretKind.SessionToken ? secret : "SOURCETOKENabcdef0123456789");
                }
                else
                {
                    sent.Add(secret);
                }

                var status = (cases % 3) switch { 0 => HttpStatusCode.Forbidden, 1 => HttpStatusCode.ServiceUnavailable, _ => HttpStatusCode.BadRequest };
                // Every other case echoes into the error code too (a proxy's code is any text).
                var echoed = echo(secret, random);
                var original = StsStub.Error(cases % 2 == 0 ? "AccessDenied" : echoed[..Math.Min(40, echoed.Length)], status, echoed);
                var scrubbed = await sent.ScrubAsync(original, signer);
                var error = StsFailures.From(scrubbed, 1, $"Could not assume role {ProviderFixture.HubArn}", ProviderFixture.HubArn, "echo");

                var texts = new List<string> { StsErrorClassifier.GetErrorCode(scrubbed), error.ErrorCode ?? string.Empty };
                for (Exception? e = error; e is not null; e = e.InnerException)
                {
                    texts.Add(e.Message);
                    if (e is Amazon.Runtime.AmazonServiceException service)
                    {
                        texts.Add($"{service.ErrorCode} {service.RequestId}");
                    }
                }

                AssertNoPiece(secret, kind, name, texts);
                cases++;
            }
        }

        Assert.Equal(SecretsPerKind * Shapes.Length, cases);
    }

    [Fact]
    public async Task EchoedSecret_ThroughTheProvider_NoPieceSurvivesInExceptionLogsTagsOrStatus()
    {
        var kind = Kind;
        using var meters = ListenToMetrics();
        using var spans = ListenToSpans();
        var random = new Random(17 + (int)kind);
        var fixture = _sources.Provider;
        var checkedCases = 0;
        var shapeIndex = 0;
        var scenario = new Scenario(kind, _sources, random);
        await using var shared = scenario.SharedProvider();
        for (var i = 0; i < SecretsPerKindEndToEnd; i++)
        {
            foreach (var (name, echo) in Shapes)
            {
                var id = Interlocked.Increment(ref _nextCase);
                CaseId.Value = id;
                var texts = Captured.GetOrAdd(id, _ => new ConcurrentQueue<string>());
                fixture.Logs.Collector.Clear();
                fixture.Time.Advance(TimeSpan.FromSeconds(16)); // past the outage backoff of the previous failure
                var secret = scenario.NextSecret();
                var status = (shapeIndex++ % 3) switch { 0 => HttpStatusCode.Forbidden, 1 => HttpStatusCode.ServiceUnavailable, _ => HttpStatusCode.BadRequest };
                var message = echo(secret, random);
                var attempts = status == HttpStatusCode.ServiceUnavailable ? 2 : 1; // transient: retried once
                scenario.FailNextCallWith(() => StsStub.Error(status == HttpStatusCode.BadRequest ? "InvalidParameterValue" : status.ToString(), status, message), attempts);
                var callsBefore = scenario.Calls;

                var provider = shared ?? scenario.NewProvider();
                try
                {
                    var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());
                    // Every message of the exception chain (what ToString prints, without the stack traces).
                    texts.Enqueue(error.ErrorCode ?? string.Empty);
                    for (Exception? e = error; e is not null; e = e.InnerException)
                    {
                        texts.Enqueue(e.Message);
                        if (e is Amazon.Runtime.AmazonServiceException service)
                        {
                            texts.Enqueue($"{service.ErrorCode} {service.RequestId}");
                        }
                    }

                    texts.Enqueue(provider.GetStatus().ToString());
                    Assert.Equal(attempts, error.Attempts);
                    Assert.Equal(callsBefore + attempts, scenario.Calls);
                }
                finally
                {
                    if (shared is null)
                    {
                        await provider.DisposeAsync();
                    }
                }

                foreach (var record in fixture.Logs.Records)
                {
                    foreach (var text in record.AllText())
                    {
                        texts.Enqueue(text);
                    }

                    texts.Enqueue(string.Join(";", record.State.Select(p => $"{p.Key}={p.Value}")));
                }

                AssertNoPiece(secret, kind, name, texts);
                Captured.TryRemove(id, out _);
                checkedCases++;
            }
        }

        Assert.Equal(SecretsPerKindEndToEnd * Shapes.Length, checkedCases);
        Assert.Equal(SecretsPerKindEndToEnd * Shapes.Length, scenario.FailedCalls);
    }

    private static int _nextCase;

    public void Dispose()
    {
        _sources.Dispose();
        GC.SuppressFinalize(this);
    }

    private static void AssertNoPiece(string secret, SecretKind kind, string shape, IEnumerable<string> texts)
    {
        var all = string.Join("\n", texts);
        var compact = new string(all.Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (kind == SecretKind.MfaCode)
        {
            Assert.False(all.Contains(secret, StringComparison.Ordinal) || compact.Contains(secret, StringComparison.Ordinal), $"{shape}: the MFA code {secret} survived in:\n{all}");
            return;
        }

        var pieces = PieceHashes(secret);
        foreach (var text in new[] { all, compact })
        {
            var hash = 0UL;
            for (var i = 0; i < text.Length; i++)
            {
                hash = Roll(hash, text, i);
                if (i >= Piece - 1 && pieces.Contains(hash))
                {
                    var at = i - Piece + 1;
                    Assert.Fail($"{kind}, {shape}: '{text.Substring(at, Piece)}' of the secret survived at {at} in:\n{text[Math.Max(0, at - 200)..Math.Min(text.Length, at + 200)]}");
                }
            }
        }
    }

    private const ulong HashBase = 1_000_003;

    private static readonly ulong Top = Enumerable.Range(1, Piece - 1).Aggregate(1UL, (p, _) => p * HashBase);

    private static ulong Roll(ulong hash, string text, int i) =>
        ((i >= Piece ? hash - (text[i - Piece] * Top) : hash) * HashBase) + text[i];

    private static HashSet<ulong> PieceHashes(string secret)
    {
        var set = new HashSet<ulong>();
        var hash = 0UL;
        for (var i = 0; i < secret.Length; i++)
        {
            hash = Roll(hash, secret, i);
            if (i >= Piece - 1)
            {
                set.Add(hash);
            }
        }

        return set;
    }

    private static string BaseUrlPieces(string s, Random random)
    {
        // A JWT's own base64url segments echoed apart, or the secret's base64url split into pieces, shuffled.
        var pieces = s.Contains('.') ? s.Split('.') : Chunk(Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_'), 40);
        return "claims: " + string.Join(" / ", pieces.OrderBy(_ => random.Next()));
    }

    private static string SplitByTags(string s, Random random)
    {
        var builder = new StringBuilder();
        string[] tags = ["<b>", "</b>", "<span class=\"t\">", "</span>", "<br/>", "<wbr>"];
        for (var i = 0; i < s.Length;)
        {
            var n = Math.Min(s.Length - i, 3 + random.Next(18));
            builder.Append(s, i, n).Append(tags[random.Next(tags.Length)]);
            i += n;
        }

        return builder.ToString();
    }

    private static string Wrap(string s, int width, string separator) => string.Join(separator, Chunk(s, width));

    private static string[] Chunk(string s, int width) =>
        Enumerable.Range(0, (s.Length + width - 1) / width).Select(i => s.Substring(i * width, Math.Min(width, s.Length - (i * width)))).ToArray();

    private static string JsonEscape(string s) =>
        s.Replace("\\", "\\\\").Replace("/", "\\/").Replace("+", "\\u002b").Replace("=", "\\u003D").Replace("\"", "\\\"");

    private static string HtmlEscape(string s) =>
        WebUtility.HtmlEncode(s).Replace("/", "&#x2F;").Replace("+", "&#43;").Replace("=", "&equals;");

    private static MeterListener ListenToMetrics()
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
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Capture(instrument.Name + Render(tags)));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Capture(instrument.Name + Render(tags)));
        listener.Start();
        return listener;
    }

    private static ActivityListener ListenToSpans()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "CredentialKit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => Capture(activity.OperationName + " " + string.Join(";", activity.TagObjects.Select(t => $"{t.Key}={t.Value}")) + " " + activity.StatusDescription),
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    // Metric and span callbacks run in the flow of the call that records them: the case id says whose they are.
    private static void Capture(string text)
    {
        if (CaseId.Value is var id and > 0 && Captured.TryGetValue(id, out var texts))
        {
            texts.Enqueue(text);
        }
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

    /// <summary>How each kind of secret is sent: the provider that sends it and the random values it sends.</summary>
    private sealed class Scenario(SecretKind kind, SourceFixture sources, Random random)
    {
        private const string Base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        private string _current = string.Empty;
        private int _failed;

        public int FailedCalls => Volatile.Read(ref _failed);

        private ProviderFixture Fixture => sources.Provider;

        /// <summary>A provider that asks its callback for a new secret on every refresh; none when the secret is the signer's (a provider per secret).</summary>
        public ICredentialProvider? SharedProvider()
        {
            CredentialKitProfileOptions options;
            switch (kind)
            {
                case SecretKind.WebIdentityToken:
                    options = sources.WebIdentity();
                    options.Source.TokenFile = null;
                    options.Source.WebIdentityTokenProvider = _ => ValueTask.FromResult(_current);
                    break;
                case SecretKind.SamlAssertion:
                    options = sources.Options(SourceCredentialsType.Saml);
                    options.Source.RoleArn = SamlRoleArn;
                    options.Source.PrincipalArn = SourceFixture.SamlProviderArn;
                    options.Source.SamlAssertionProvider = _ => ValueTask.FromResult(_current);
                    break;
                case SecretKind.MfaCode:
                    options = ProviderFixture.Profile();
                    options.Roles[0].MfaSerialNumber = SourceFixture.MfaSerial;
                    options.Roles[0].MfaTokenCodeProvider = _ => ValueTask.FromResult(_current);
                    break;
                default:
                    return null;
            }

            options.Refresh.MaxRetryAttempts = 1;
            return Fixture.Create(options);
        }

        /// <summary>A provider signed by static keys holding the current secret key and session token.</summary>
        public ICredentialProvider NewProvider()
        {
            var options = ProviderFixture.Profile();
            options.Source.SecretAccessKey = kind == SecretKind.SecretAccessKey ? _current : ProviderFixture.SourceSecret;
            options.Source.SessionToken = kind == SecretKind.SessionToken ? _current : "SOURCETOKENabcdef0123456789";
            options.Refresh.MaxRetryAttempts = 1;
            return Fixture.Create(options);
        }

        public string NextSecret()
        {
            _current = kind switch
            {
                SecretKind.SecretAccessKey => RandomText(40, Base64),
                SecretKind.SessionToken => RandomText(356 + random.Next(700), Base64),
                SecretKind.WebIdentityToken => Jwt(),
                SecretKind.SamlAssertion => Convert.ToBase64String(RandomBytes(1000 + random.Next(1500))),
                _ => random.Next(1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture),
            };
            return _current;
        }

        /// <summary>The next call's <paramref name="attempts"/> attempts fail with an error that echoes the current secret.</summary>
        public void FailNextCallWith(Func<Exception> error, int attempts)
        {
            Interlocked.Increment(ref _failed);
            for (var i = 0; i < attempts; i++)
            {
                if (kind is SecretKind.WebIdentityToken or SecretKind.SamlAssertion)
                {
                    Fixture.Sts.EnqueueSource(_ => error());
                }
                else
                {
                    Fixture.Sts.EnqueueException(error());
                }
            }
        }

        /// <summary>Gets how many STS calls the stub received for this kind.</summary>
        public int Calls => kind is SecretKind.WebIdentityToken or SecretKind.SamlAssertion ? Fixture.Sts.SourceCalls.Count : Fixture.Sts.CallCount;

        private string Jwt()
        {
            static string Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var header = Url(Encoding.UTF8.GetBytes($"{{\"alg\":\"RS256\",\"kid\":\"{random.Next()}\",\"typ\":\"JWT\"}}"));
            var payload = Url(Encoding.UTF8.GetBytes($"{{\"sub\":\"system:serviceaccount:ns:{random.Next()}\",\"aud\":[\"sts.amazonaws.com\"],\"exp\":{random.Next()},\"n\":\"{Url(RandomBytes(24))}\"}}"));
            return $"{header}.{payload}.{Url(RandomBytes(256))}";
        }

        private string RandomText(int length, string alphabet) =>
            string.Create(length, (random, alphabet), static (span, state) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = state.alphabet[state.random.Next(state.alphabet.Length)];
                }
            });

        private byte[] RandomBytes(int count)
        {
            var bytes = new byte[count];
            random.NextBytes(bytes);
            return bytes;
        }
    }
}

[Collection(nameof(EchoSuiteCollection))]
public sealed class EchoedSecretAccessKeyTests : EchoSuiteTests
{
    protected override SecretKind Kind => SecretKind.SecretAccessKey;
}

[Collection(nameof(EchoSuiteCollection))]
public sealed class EchoedSessionTokenTests : EchoSuiteTests
{
    protected override SecretKind Kind => SecretKind.SessionToken;
}

[Collection(nameof(EchoSuiteCollection))]
public sealed class EchoedWebIdentityTokenTests : EchoSuiteTests
{
    protected override SecretKind Kind => SecretKind.WebIdentityToken;
}

[Collection(nameof(EchoSuiteCollection))]
public sealed class EchoedSamlAssertionTests : EchoSuiteTests
{
    protected override SecretKind Kind => SecretKind.SamlAssertion;
}

[Collection(nameof(EchoSuiteCollection))]
public sealed class EchoedMfaCodeTests : EchoSuiteTests
{
    protected override SecretKind Kind => SecretKind.MfaCode;
}

[CollectionDefinition(nameof(EchoSuiteCollection), DisableParallelization = true)]
public sealed class EchoSuiteCollection;
