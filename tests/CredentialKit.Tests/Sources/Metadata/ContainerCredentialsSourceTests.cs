using CredentialKit.Testing;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.Sources;

/// <summary>Source.Type ContainerCredentials against a loopback stub, on the manual clock.</summary>
public sealed class ContainerCredentialsSourceTests : IDisposable
{
    private const string Path = "/v2/credentials/task";
    private const string AuthToken = "eks-pod-identity-token-0001";
    private readonly SourceFixture _fixture = new();
    private readonly MetadataStub _stub;
    private Func<StubRequest, StubAnswer> _answer;

    public ContainerCredentialsSourceTests()
    {
        _answer = _ => new StubAnswer(200, MetadataStub.CredentialsJson(Now.AddHours(6)));
        _stub = new MetadataStub(r => _answer(r));
        _fixture.Environment[ContainerCredentialsSettings.FullUri] = new Uri(_stub.BaseUri, Path.TrimStart('/')).ToString();
        _fixture.Environment[ContainerCredentialsSettings.AuthorizationToken] = AuthToken;
    }

    private DateTimeOffset Now => _fixture.Provider.Time.GetUtcNow();

    public void Dispose()
    {
        _stub.Dispose();
        _fixture.Dispose();
    }

    private CredentialKitProfileOptions Options(params string[] roles) => _fixture.Options(SourceCredentialsType.ContainerCredentials, roles);

    [Fact]
    public async Task GetCredentialsAsync_SendsTheAuthorizationTokenAndServesTheSession()
    {
        await using var provider = _fixture.Create(Options());

        var credentials = await provider.GetCredentialsAsync();

        var request = Assert.Single(_stub.Requests);
        Assert.Equal(("GET", Path, AuthToken), (request.Method, request.Path, request.Headers["Authorization"]));
        Assert.Equal(("ASIAMETADATAEXAMPLE1", MetadataStub.Secret, MetadataStub.Token), (credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken));
    }

    [Fact]
    public async Task TokenFile_IsReadOnEveryFetchAndWinsOverTheToken()
    {
        var file = _fixture.PathOf("token");
        File.WriteAllText(file, "from-file-1\n");
        _fixture.Environment[ContainerCredentialsSettings.AuthorizationTokenFile] = file;
        await using var provider = _fixture.Create(Options());
        await provider.GetCredentialsAsync();

        File.WriteAllText(file, "from-file-2");
        _fixture.Provider.Time.Advance(TimeSpan.FromHours(6) - TimeSpan.FromSeconds(30));
        await provider.GetCredentialsAsync();

        Assert.Equal(["from-file-1", "from-file-2"], _stub.Requests.Select(r => r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Unauthorized_FailsWithAHintAndWithoutTheToken()
    {
        _answer = _ => new StubAnswer(401, "denied " + AuthToken);
        await using var provider = _fixture.Create(Options());

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("Http401", error.ErrorCode);
        Assert.Contains("AWS_CONTAINER_AUTHORIZATION_TOKEN", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthToken, error.Message, StringComparison.Ordinal);
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task ServerError_IsRetriedAtOnceUpToThreeAttempts()
    {
        var calls = 0;
        _answer = _ => Interlocked.Increment(ref calls) < 3 ? new StubAnswer(500, "busy") : new StubAnswer(200, MetadataStub.CredentialsJson(Now.AddHours(6)));
        await using var provider = _fixture.Create(Options());

        await provider.GetCredentialsAsync();

        Assert.Equal(3, _stub.Requests.Count);
    }

    [Fact]
    public async Task IssuerClockAhead_PlansExpiryOnTheIssuersClock()
    {
        var serverNow = new DateTimeOffset(Now.UtcDateTime.AddMinutes(10).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        _answer = _ => new StubAnswer(200, MetadataStub.CredentialsJson(serverNow.AddHours(1)), Date: serverNow);
        await using var provider = _fixture.Create(Options());
        var sentAt = Now;

        await provider.GetCredentialsAsync();

        var session = ProviderFixture.SessionOf(provider);
        Assert.Equal(sentAt + TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1), session.Snapshot!.ExpiresAt.Wall);
        Assert.InRange(provider.GetStatus().ClockSkew!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11));
    }

    [Fact]
    public async Task ThousandConcurrentProvidersOnAColdSource_MakeOneRequest()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _answer = _ => new StubAnswer(200, MetadataStub.CredentialsJson(Now.AddHours(6)), Gate: release.Task);
        var all = await _fixture.ConcurrentColdProvidersAsync(1000, () => Options(), async () =>
        {
            await Eventually.WaitAsync(() => _stub.Requests.Count == 1, "the first request");
            release.SetResult();
        });

        Assert.Single(_stub.Requests);
        Assert.All(all, c => Assert.Equal("ASIAMETADATAEXAMPLE1", c.AccessKeyId));
    }

    [Fact]
    public async Task FailedRefreshWhileUsable_ServesTheHeldSessionAndRecordsTheError()
    {
        await using var provider = _fixture.Create(Options());
        var held = await provider.GetCredentialsAsync();
        _answer = _ => new StubAnswer(503, "down");

        _fixture.Provider.Time.Advance(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(5)); // inside the refresh window
        var during = await provider.GetCredentialsAsync();
        await ProviderFixture.WhenIdleAsync(provider);

        Assert.Same(held, during);
        Assert.Equal(CredentialProviderState.ServingCachedAfterFailure, provider.GetStatus().State);
        Assert.Equal("Http503", provider.GetStatus().LastErrorCode);
        Assert.Same(held, await provider.GetCredentialsAsync()); // backing off: no new request
        Assert.Equal(1 + MetadataDefaults.ContainerAttempts, _stub.Requests.Count);
    }

    [Fact]
    public async Task LaptopSleep_ClockJumpsPastExpiry_NeverServesTheExpiredSession()
    {
        await using var provider = _fixture.Create(Options());
        await provider.GetCredentialsAsync();
        _answer = _ => new StubAnswer(200, MetadataStub.CredentialsJson(Now.AddHours(6), "ASIAMETADATAEXAMPLE2"));

        _fixture.Provider.Time.Advance(TimeSpan.FromHours(30));
        var after = await provider.GetCredentialsAsync();

        Assert.Equal("ASIAMETADATAEXAMPLE2", after.AccessKeyId);
        Assert.True(after.Expiration > Now);
    }

    [Fact]
    public async Task CallerCancels_GetsCancellationAndTheSharedRequestStillServesTheNextCall()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _answer = _ => new StubAnswer(200, MetadataStub.CredentialsJson(Now.AddHours(6)), Gate: release.Task);
        await using var provider = _fixture.Create(Options());
        using var cancel = new CancellationTokenSource();

        var pending = provider.GetCredentialsAsync(cancel.Token).AsTask();
        await Eventually.WaitAsync(() => _stub.Requests.Count == 1, "the request");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        release.SetResult();

        Assert.Equal("ASIAMETADATAEXAMPLE1", (await provider.GetCredentialsAsync()).AccessKeyId);
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task MalformedAnswer_FailsWithoutRepeatingIt()
    {
        _answer = _ => new StubAnswer(200, $"{{\"AccessKeyId\":\"ASIAX\",\"SecretAccessKey\":\"{MetadataStub.Secret}\"}}");
        await using var provider = _fixture.Create(Options());

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("MalformedResponse", error.ErrorCode);
        Assert.Contains("lacks Token", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(MetadataStub.Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoleAfterTheContainerSession_IsAssumedWithItAsRoleChaining()
    {
        await using var provider = _fixture.Create(Options(ProviderFixture.HubArn));

        await provider.GetCredentialsAsync();

        var call = Assert.Single(_fixture.Provider.Sts.Calls);
        Assert.Equal(("ASIAMETADATAEXAMPLE1", MetadataStub.Token), (call.SignerAccessKeyId, call.SignerSessionToken));
    }

    [Fact]
    public async Task Fetch_RecordsASourceSpanUnderTheRefreshSpan_WithoutSecrets()
    {
        var spans = new System.Collections.Concurrent.ConcurrentBag<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "CredentialKit",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await using var provider = _fixture.Create(Options());
        var subject = ProviderFixture.SessionOf(provider).RoleArn;

        await provider.GetCredentialsAsync();

        var source = Assert.Single(spans, a => a.OperationName == "CredentialKit.Source" && (string?)a.GetTagItem("credentialkit.role_arn") == subject);
        Assert.Equal("container", source.GetTagItem("credentialkit.source"));
        var refresh = Assert.Single(spans, a => a.OperationName == "CredentialKit.Refresh" && (string?)a.GetTagItem("credentialkit.role_arn") == subject);
        Assert.Equal(refresh.SpanId, source.ParentSpanId);
        foreach (var tag in new[] { source, refresh }.SelectMany(a => a.TagObjects))
        {
            Assert.DoesNotContain(MetadataStub.Secret, tag.Value?.ToString() ?? string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain(AuthToken, tag.Value?.ToString() ?? string.Empty, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/creds", true)]
    [InlineData("http://127.1.2.3/creds", true)]
    [InlineData("http://localhost/creds", true)]
    [InlineData("http://[::1]/creds", true)]
    [InlineData("http://169.254.170.2/v1", true)]
    [InlineData("http://169.254.170.23/v1/credentials", true)]
    [InlineData("http://[fd00:ec2::23]/v1/credentials", true)]
    [InlineData("https://creds.example.com/v1", true)]
    [InlineData("http://creds.example.com/v1", false)]
    [InlineData("http://10.0.0.1/v1", false)]
    [InlineData("ftp://127.0.0.1/v1", false)]
    public void FullUri_AllowsTheHostsTheSdksAllow(string uri, bool allowed)
    {
        var environment = new SourceEnvironment(name => name == ContainerCredentialsSettings.FullUri ? uri : null);

        if (allowed)
        {
            Assert.Equal(new Uri(uri), ContainerCredentialsSettings.From(environment).Uri);
        }
        else
        {
            Assert.Throws<ArgumentException>(() => ContainerCredentialsSettings.From(environment));
        }
    }

    [Fact]
    public void RelativeUri_IsRelativeToTheEcsAgentAndWinsOverFullUri()
    {
        var environment = new SourceEnvironment(name => name switch
        {
            ContainerCredentialsSettings.RelativeUri => "/v2/credentials/abc",
            ContainerCredentialsSettings.FullUri => "http://127.0.0.1/other",
            _ => null,
        });

        Assert.Equal(new Uri("http://169.254.170.2/v2/credentials/abc"), ContainerCredentialsSettings.From(environment).Uri);
    }

    [Fact]
    public void Create_NoContainerVariables_FailsAtStartNamingThem()
    {
        _fixture.Environment.Clear();

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(Options()));

        Assert.Contains("Source:Type is ContainerCredentials, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_FullUriToAnOutsideHostOverHttp_FailsAtStart()
    {
        _fixture.Environment[ContainerCredentialsSettings.FullUri] = "http://evil.example.com/creds";

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(Options()));

        Assert.Contains("names host 'evil.example.com' over http", error.Message, StringComparison.Ordinal);
    }
}
