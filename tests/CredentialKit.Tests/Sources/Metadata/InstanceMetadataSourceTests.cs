using CredentialKit.Testing;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Options;

namespace CredentialKit.Tests.Sources;

/// <summary>Source.Type InstanceMetadata against a loopback IMDS stub, on the manual clock.</summary>
public sealed class InstanceMetadataSourceTests : IDisposable
{
    private const string TokenPath = "/latest/api/token";
    private const string RolesPath = "/latest/meta-data/iam/security-credentials/";
    private const string RolePath = RolesPath + "app-role";
    private readonly SourceFixture _fixture = new();
    private readonly MetadataStub _stub;
    private int _tokens;
    private TimeSpan _lifetime = TimeSpan.FromHours(6);

    public InstanceMetadataSourceTests()
    {
        _stub = new MetadataStub(Imds);
        _fixture.Environment[InstanceMetadataSettings.EndpointVariable] = _stub.BaseUri.ToString();
    }

    private DateTimeOffset Now => _fixture.Provider.Time.GetUtcNow();

    /// <summary>Answers the token PUT; null: IMDSv2 as AWS runs it.</summary>
    private Func<StubRequest, StubAnswer>? TokenAnswer { get; set; }

    private Func<StubRequest, StubAnswer>? CredentialsAnswer { get; set; }

    private bool RequireToken { get; set; } = true;

    private Task? CredentialsGate { get; set; }

    private StubAnswer Imds(StubRequest request)
    {
        if (request.Path == TokenPath)
        {
            return TokenAnswer?.Invoke(request) ?? (request.Method == "PUT" && request.Headers.ContainsKey("X-aws-ec2-metadata-token-ttl-seconds")
                ? new StubAnswer(200, $"token-{Interlocked.Increment(ref _tokens)}")
                : new StubAnswer(400, "bad"));
        }

        var hasToken = request.Headers.TryGetValue("X-aws-ec2-metadata-token", out var token);
        if ((RequireToken && !hasToken) || (hasToken && !token!.StartsWith("token-", StringComparison.Ordinal)))
        {
            return new StubAnswer(401, string.Empty);
        }

        return request.Path switch
        {
            RolesPath => new StubAnswer(200, "app-role"),
            RolePath => CredentialsAnswer?.Invoke(request) ?? new StubAnswer(200, MetadataStub.CredentialsJson(Now + _lifetime, imds: true), Gate: CredentialsGate),
            _ => new StubAnswer(404, "Not Found"),
        };
    }

    public void Dispose()
    {
        _stub.Dispose();
        _fixture.Dispose();
    }

    private CredentialKitProfileOptions Options(params string[] roles) => _fixture.Options(SourceCredentialsType.InstanceMetadata, roles);

    [Fact]
    public async Task GetCredentialsAsync_TokenThenRoleThenCredentials()
    {
        await using var provider = _fixture.Create(Options());

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal([("PUT", TokenPath), ("GET", RolesPath), ("GET", RolePath)], _stub.Requests.Select(r => (r.Method, r.Path)));
        Assert.Equal("21600", _stub.Requests[0].Headers["X-aws-ec2-metadata-token-ttl-seconds"]);
        Assert.All(_stub.Requests.Skip(1), r => Assert.Equal("token-1", r.Headers["X-aws-ec2-metadata-token"]));
        Assert.Equal("ASIAMETADATAEXAMPLE1", credentials.AccessKeyId);
    }

    [Fact]
    public async Task Refresh_ReusesTheTokenUntilShortlyBeforeItEnds()
    {
        _lifetime = TimeSpan.FromHours(3);
        await using var provider = _fixture.Create(Options());
        await provider.GetCredentialsAsync();

        _fixture.Provider.Time.Advance(TimeSpan.FromHours(3) - TimeSpan.FromSeconds(30)); // past usable: a new fetch, same token
        await provider.GetCredentialsAsync();
        var putsAfterSecond = _stub.Count("PUT", TokenPath);
        _fixture.Provider.Time.Advance(TimeSpan.FromHours(3)); // the token (6 h) is about to end too
        await provider.GetCredentialsAsync();

        Assert.Equal(1, putsAfterSecond);
        Assert.Equal(2, _stub.Count("PUT", TokenPath));
        Assert.Equal(3, _stub.Count("GET", RolePath));
    }

    [Fact]
    public async Task TokenRejected_GetsANewTokenAndRetriesOnce()
    {
        _lifetime = TimeSpan.FromHours(3);
        await using var provider = _fixture.Create(Options());
        await provider.GetCredentialsAsync();
        TokenAnswer = _ => new StubAnswer(200, $"token-{Interlocked.Increment(ref _tokens)}");
        var first = true;
        CredentialsAnswer = null;
        RequireToken = true;
        var original = _stub.Handler;
        _stub.Handler = r => r.Path == RolesPath && first && !(first = false) ? new StubAnswer(401, string.Empty) : original(r);

        _fixture.Provider.Time.Advance(TimeSpan.FromHours(3) - TimeSpan.FromSeconds(30));
        await provider.GetCredentialsAsync();

        Assert.Equal(2, _stub.Count("PUT", TokenPath));
        Assert.Equal("token-2", _stub.Requests[^1].Headers["X-aws-ec2-metadata-token"]);
    }

    [Theory]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(405)]
    public async Task TokenRefused_FallsBackToImdsV1(int status)
    {
        TokenAnswer = _ => new StubAnswer(status, string.Empty);
        RequireToken = false;
        await using var provider = _fixture.Create(Options());

        await provider.GetCredentialsAsync();

        Assert.All(_stub.Requests.Skip(1), r => Assert.False(r.Headers.ContainsKey("X-aws-ec2-metadata-token")));
        Assert.Single(_fixture.Provider.Logs.WithEventId(62));
    }

    [Fact]
    public async Task TokenRefused_V1Disabled_FailsSayingSo()
    {
        TokenAnswer = _ => new StubAnswer(403, string.Empty);
        _fixture.Environment[InstanceMetadataSettings.V1Disabled] = "true";
        await using var provider = _fixture.Create(Options());

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("Http403", error.ErrorCode);
        Assert.Contains("AWS_EC2_METADATA_V1_DISABLED", error.Message, StringComparison.Ordinal);
        Assert.Single(_stub.Requests);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(500)]
    public async Task TokenBadRequestOrServerError_NeverFallsBack(int status)
    {
        TokenAnswer = _ => new StubAnswer(status, string.Empty);
        await using var provider = _fixture.Create(Options());

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal($"Http{status}", error.ErrorCode);
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task TokenUnanswered_HopLimit_FallsBackToImdsV1AfterTheTimeoutOnTheInjectedClock()
    {
        var never = new TaskCompletionSource();
        TokenAnswer = _ => new StubAnswer(200, "late", Gate: never.Task);
        RequireToken = false;
        await using var provider = _fixture.Create(Options());

        var pending = provider.GetCredentialsAsync().AsTask();
        await Eventually.WaitAsync(() => _stub.Count("PUT", TokenPath) == 1, "the token request");
        _fixture.Provider.Time.Advance(MetadataDefaults.ImdsTimeout); // the token request times out; nothing else is advanced
        var credentials = await pending;

        Assert.Equal("ASIAMETADATAEXAMPLE1", credentials.AccessKeyId);
        Assert.False(_stub.Requests[^1].Headers.ContainsKey("X-aws-ec2-metadata-token"));
        never.SetResult();
    }

    [Fact]
    public async Task NoRoleAttached_FailsWithAClearError()
    {
        _stub.Handler = r => r.Path == TokenPath ? new StubAnswer(200, "token-x") : new StubAnswer(404, "Not Found");
        await using var provider = _fixture.Create(Options());

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("Http404", error.ErrorCode);
        Assert.Contains("no instance profile role is attached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImdsCodeNotSuccess_FailsNamingTheCode()
    {
        CredentialsAnswer = _ => new StubAnswer(200, "{\"Code\":\"AssumeRoleUnauthorizedAccess\",\"Message\":\"x\"}");
        await using var provider = _fixture.Create(Options());

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Contains("AssumeRoleUnauthorizedAccess", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThousandConcurrentProvidersOnAColdSource_MakeOneRequestOfEachKind()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CredentialsGate = release.Task;
        var all = await _fixture.ConcurrentColdProvidersAsync(1000, () => Options(), async () =>
        {
            await Eventually.WaitAsync(() => _stub.Count("GET", RolePath) == 1, "the credentials request");
            release.SetResult();
        });

        Assert.Equal([("PUT", TokenPath), ("GET", RolesPath), ("GET", RolePath)], _stub.Requests.Select(r => (r.Method, r.Path)));
        Assert.All(all, c => Assert.Equal("ASIAMETADATAEXAMPLE1", c.AccessKeyId));
    }

    [Fact]
    public async Task Unreachable_FailsAsTransientTimeoutAndBacksOff()
    {
        var never = new TaskCompletionSource();
        _stub.Handler = _ => new StubAnswer(200, "late", Gate: never.Task);
        _fixture.Environment[InstanceMetadataSettings.V1Disabled] = "true";
        await using var provider = _fixture.Create(Options());

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() =>
            Eventually.DriveAsync(provider.GetCredentialsAsync().AsTask(), _fixture.Provider.Time, MetadataDefaults.ImdsTimeout));

        Assert.Equal("Timeout", error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.Contains("not on EC2?", error.Message, StringComparison.Ordinal);
        Assert.Equal(CredentialProviderState.NoCredentials, provider.GetStatus().State);
        never.SetResult();
    }

    /// <summary>
    /// Not the SDKs' static stability (botocore and the JavaScript SDK push an expiring or expired IMDS credential's
    /// expiration 12 to 20 minutes out and keep using it): CredentialKit never hands out an expired credential. It serves
    /// the held one while usable, retries with backoff, and past its expiration fails clearly until IMDS answers again.
    /// </summary>
    [Fact]
    public async Task OutageAcrossTheHeldSessionsExpiry_ServesItWhileUsable_ThenFailsRatherThanServingItExpired()
    {
        await using var provider = _fixture.Create(Options());
        var held = await provider.GetCredentialsAsync();
        CredentialsAnswer = _ => new StubAnswer(500, "busy");

        var served = new List<SessionCredentials>();
        var failures = new List<CredentialRefreshException>();
        while (Now < held.Expiration + TimeSpan.FromMinutes(30))
        {
            _fixture.Provider.Time.Advance(TimeSpan.FromMinutes(1));
            try
            {
                served.Add(await provider.GetCredentialsAsync());
            }
            catch (CredentialRefreshException e)
            {
                failures.Add(e);
            }

            await ProviderFixture.WhenIdleAsync(provider);
        }

        Assert.All(served, c => Assert.Same(held, c));
        Assert.True(served.Count >= 5 * 60, $"served the held session only {served.Count} times"); // from 5 h on, still usable
        Assert.True(failures.Count >= 30, "past its expiration every call fails");
        Assert.All(failures, e => Assert.True(e.IsTransient));
        Assert.InRange(_stub.Count("GET", RolePath) - 1, 2, 40); // backed off: far fewer than one a minute over the last hour

        CredentialsAnswer = null;
        _fixture.Provider.Time.Advance(TimeSpan.FromMinutes(30)); // past any backoff
        var after = await provider.GetCredentialsAsync();
        Assert.NotSame(held, after);
        Assert.True(after.Expiration > Now);
    }

    [Fact]
    public async Task ImdsAnswersAnExpiredCredential_ItIsNeverHandedOut()
    {
        await using var provider = _fixture.Create(Options());
        var held = await provider.GetCredentialsAsync();
        CredentialsAnswer = _ => new StubAnswer(200, MetadataStub.CredentialsJson(Now - TimeSpan.FromMinutes(1), "ASIAMETADATAEXPIRED1", imds: true));

        _fixture.Provider.Time.Advance(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(55)); // inside the refresh window
        Assert.Same(held, await provider.GetCredentialsAsync());
        await ProviderFixture.WhenIdleAsync(provider);
        Assert.Same(held, await provider.GetCredentialsAsync()); // the expired answer did not replace it

        _fixture.Provider.Time.Advance(TimeSpan.FromMinutes(10)); // past the held session's expiration
        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal(RefreshDefaults.SessionTooShortErrorCode, error.ErrorCode);
        Assert.True(_stub.Count("GET", RolePath) >= 2);
    }

    [Fact]
    public void Create_MetadataDisabled_FailsAtStart()
    {
        _fixture.Environment[InstanceMetadataSettings.Disabled] = "TRUE";

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Create(Options()));

        Assert.Contains("Source:Type is InstanceMetadata, but AWS_EC2_METADATA_DISABLED is true", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "http://169.254.169.254/")]
    [InlineData(null, "IPv6", "http://[fd00:ec2::254]/")]
    [InlineData("http://127.0.0.1:1338", "IPv6", "http://127.0.0.1:1338/")]
    public void Endpoint_FollowsTheSdkVariables(string? endpoint, string? mode, string expected)
    {
        var environment = new SourceEnvironment(name => name switch
        {
            InstanceMetadataSettings.EndpointVariable => endpoint,
            InstanceMetadataSettings.EndpointMode => mode,
            _ => null,
        });

        Assert.Equal(new Uri(expected), InstanceMetadataSettings.From(environment).Endpoint);
    }
}
