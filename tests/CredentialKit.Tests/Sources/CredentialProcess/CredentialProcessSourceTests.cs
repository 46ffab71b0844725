using CredentialKit.Testing;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Sources;

/// <summary>Source.Type CredentialProcess over a real process (a shell script) and the manual clock.</summary>
public sealed class CredentialProcessSourceTests : IDisposable
{
    private readonly SourceFixture _fixture = new();
    private readonly FakeCredentialProcess _process = new();

    public void Dispose()
    {
        _process.Dispose();
        _fixture.Dispose();
    }

    private ManualTimeProvider Time => _fixture.Provider.Time;

    private CredentialKitProfileOptions Options(string? arguments = null, params string[] roleArns)
    {
        var options = _fixture.Options(SourceCredentialsType.CredentialProcess, roleArns);
        options.Source.CredentialProcess = $"{_process.ScriptPath} {arguments ?? "--profile dev"}";
        return options;
    }

    [Fact]
    public async Task GetCredentialsAsync_Version1Output_ServesItsCredentials()
    {
        _process.Succeeds(Time.GetUtcNow().AddHours(1));
        await using var provider = _fixture.Create(Options());

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal((FakeCredentialProcess.AccessKeyId, FakeCredentialProcess.Secret, FakeCredentialProcess.Token),
            (credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken));
        Assert.Equal(1, _process.Runs);
        Assert.Empty(_fixture.Provider.Sts.SourceCalls);
    }

    [Fact]
    public async Task GetCredentialsAsync_ShellCharacters_ArePassedLiterallyWithoutAShell()
    {
        _process.Succeeds(Time.GetUtcNow().AddHours(1));
        await using var provider = _fixture.Create(Options("'two words' $HOME a;b `id` \"q\\\"uote\""));

        await provider.GetCredentialsAsync();

        Assert.Equal(["two words", "$HOME", "a;b", "`id`", "q\"uote"], _process.LastArguments);
    }

    [Fact]
    public async Task Refresh_AheadOfExpiration_RunsTheProcessAgainAndServesTheHeldOneMeanwhile()
    {
        _process.Succeeds(Time.GetUtcNow().AddHours(1));
        var options = Options();
        options.Refresh.BackgroundRefresh = true;
        await using var provider = _fixture.Create(options);
        var first = await provider.GetCredentialsAsync();
        _process.Succeeds(Time.GetUtcNow().AddHours(2), "ASIAPROCESSEXAMPLE02");

        Time.Advance(TimeSpan.FromMinutes(46)); // inside the 15-minute window before expiry
        var during = await provider.GetCredentialsAsync();
        await Eventually.WaitAsync(() => provider.GetStatus().RefreshCount == 2, "the background refresh");

        Assert.Same(first, during);
        Assert.Equal(2, _process.Runs);
        Assert.Equal("ASIAPROCESSEXAMPLE02", (await provider.GetCredentialsAsync()).AccessKeyId);
    }

    [Fact]
    public async Task NoExpiration_IsStaticAndNeverRunAgain()
    {
        _process.Succeeds(expiration: null);
        await using var provider = _fixture.Create(Options());
        await provider.GetCredentialsAsync();

        Time.Advance(TimeSpan.FromDays(400));
        await provider.GetCredentialsAsync();

        Assert.Equal(1, _process.Runs);
        Assert.Equal(CredentialProviderState.Fresh, provider.GetStatus().State);
    }

    [Fact]
    public async Task ClockJumpsPastExpiry_LaptopSleep_NeverServesTheExpiredCredentials()
    {
        _process.Succeeds(Time.GetUtcNow().AddHours(1));
        await using var provider = _fixture.Create(Options());
        await provider.GetCredentialsAsync();
        _process.Succeeds(Time.GetUtcNow().AddHours(9), "ASIAPROCESSEXAMPLE02");

        Time.Advance(TimeSpan.FromHours(8)); // the machine slept through the expiry
        var after = await provider.GetCredentialsAsync();

        Assert.Equal("ASIAPROCESSEXAMPLE02", after.AccessKeyId);
        Assert.True(after.Expiration > Time.GetUtcNow());
    }

    [Fact]
    public async Task NonZeroExit_FailsNamingProfileAndExecutableOnly_StderrMaskedAndCut()
    {
        _process.ExitCode = 3;
        _process.Stderr = $"token expired for AKIAIOSFODNN7EXAMPLE secret {FakeCredentialProcess.Secret} " + new string('x', 2000);
        await using var provider = _fixture.Create(Options("--mfa-secret hunter2argument"));

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("CredentialProcessFailed", error.ErrorCode);
        Assert.Contains($"'{_process.ScriptPath}' exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("profile 'test'", error.Message, StringComparison.Ordinal);
        Assert.Contains("token expired", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2argument", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeCredentialProcess.Secret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAIOSFODNN7EXAMPLE", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 700, error.Message);
        AssertNoSecretLogged("hunter2argument");
    }

    [Fact]
    public async Task MalformedOutput_FailsWithoutRepeatingIt()
    {
        _process.Stdout = $"Please sign in: {FakeCredentialProcess.Secret}";
        await using var provider = _fixture.Create(Options());

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("CredentialProcessMalformedOutput", error.ErrorCode);
        Assert.Contains("not JSON", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
        AssertNoSecretLogged("Please sign in");
    }

    [Fact]
    public async Task OutputOverTheCap_IsKilledAndRefused()
    {
        _process.Stdout = new string('{', CredentialProcessDefaults.MaxOutputBytes + 10);
        await using var provider = _fixture.Create(Options());

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("CredentialProcessOutputTooLarge", error.ErrorCode);
    }

    [Fact]
    public async Task MissingExecutable_FailsNamingIt()
    {
        var options = _fixture.Options(SourceCredentialsType.CredentialProcess);
        options.Source.CredentialProcess = "/nonexistent/ck-tool --secret-arg x";
        await using var provider = _fixture.Create(options);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("CredentialProcessNotStarted", error.ErrorCode);
        Assert.Contains("'/nonexistent/ck-tool'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-arg", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HangingProcess_IsKilledAtTheTimeoutOnTheInjectedClock()
    {
        _process.SleepSeconds = 60;
        _process.Succeeds(Time.GetUtcNow().AddHours(1));
        await using var provider = _fixture.Create(Options());

        var pending = provider.GetCredentialsAsync().AsTask();
        await Eventually.WaitAsync(() => _process.Runs == 1 && Time.ActiveTimerCount > 0, "the process to start");
        Time.Advance(CredentialProcessDefaults.Timeout);
        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => pending);

        Assert.Equal("CredentialProcessTimeout", error.ErrorCode);
    }

    [Fact]
    public async Task CallerCancels_GetsCancellationWhileTheRunContinuesForOthers()
    {
        _process.SleepSeconds = 1;
        _process.Succeeds(Time.GetUtcNow().AddHours(1));
        await using var provider = _fixture.Create(Options());
        using var cancel = new CancellationTokenSource();

        var pending = provider.GetCredentialsAsync(cancel.Token).AsTask();
        await Eventually.WaitAsync(() => _process.Runs == 1, "the process to start");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(FakeCredentialProcess.AccessKeyId, (await provider.GetCredentialsAsync()).AccessKeyId);
        Assert.Equal(1, _process.Runs);
    }

    [Fact]
    public async Task FailedRefresh_WhileUsable_ServesTheHeldCredentialsAndBacksOff()
    {
        _process.Succeeds(Time.GetUtcNow().AddHours(1));
        await using var provider = _fixture.Create(Options());
        var held = await provider.GetCredentialsAsync();
        _process.ExitCode = 1;

        Time.Advance(TimeSpan.FromMinutes(46));
        Assert.Same(held, await provider.GetCredentialsAsync());
        await ProviderFixture.WhenIdleAsync(provider);
        var runsAfterFailure = _process.Runs;
        Assert.Same(held, await provider.GetCredentialsAsync()); // inside the backoff: no new run

        Assert.Equal(2, runsAfterFailure);
        Assert.Equal(2, _process.Runs);
        Assert.Equal("CredentialProcessFailed", provider.GetStatus().LastErrorCode);
    }

    [Fact]
    public async Task ConcurrentProvidersWithTheirOwnCaches_RunTheProcessOnce()
    {
        _process.SleepSeconds = 1;
        _process.Succeeds(Time.GetUtcNow().AddHours(1));
        var all = await _fixture.ConcurrentColdProvidersAsync(50, () => Options(), () => Task.CompletedTask);

        Assert.Equal(1, _process.Runs);
        Assert.All(all, c => Assert.Equal(FakeCredentialProcess.AccessKeyId, c.AccessKeyId));
    }

    [Fact]
    public async Task Invalidate_RunsTheProcessAgainRatherThanReusingTheRejectedSession()
    {
        _process.Succeeds(Time.GetUtcNow().AddHours(1));
        await using var provider = _fixture.Create(Options());
        var first = await provider.GetCredentialsAsync();

        provider.Invalidate(first);
        await provider.GetCredentialsAsync();

        Assert.Equal(2, _process.Runs);
    }

    [Fact]
    public async Task RoleAfterTheProcess_IsAssumedWithItsCredentials()
    {
        _process.Succeeds(Time.GetUtcNow().AddHours(1));
        await using var provider = _fixture.Create(Options(roleArns: ProviderFixture.HubArn));

        var credentials = await provider.GetCredentialsAsync();

        var call = Assert.Single(_fixture.Provider.Sts.Calls);
        Assert.Equal((ProviderFixture.HubArn, FakeCredentialProcess.AccessKeyId, FakeCredentialProcess.Token),
            (call.Request.RoleArn, call.SignerAccessKeyId, call.SignerSessionToken));
        Assert.StartsWith("ASIAHUB", credentials.AccessKeyId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "is missing")]
    [InlineData("tool 'unclosed hunter2", "never closed")]
    public void Create_BadCommand_FailsAtStartNamingTheSetting(string? command, string problem)
    {
        var options = _fixture.Options(SourceCredentialsType.CredentialProcess);
        options.Source.CredentialProcess = command;

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => _fixture.Create(options));

        Assert.Contains("Source:CredentialProcess", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CredentialProcessUnderAnotherType_IsRejectedAsIgnored()
    {
        var options = _fixture.Options(SourceCredentialsType.Default, ProviderFixture.HubArn);
        options.Source.CredentialProcess = "tool";

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => _fixture.Create(options));

        Assert.Contains("Source:CredentialProcess", error.Message, StringComparison.Ordinal);
        Assert.Contains("ignored", error.Message, StringComparison.Ordinal);
    }

    private void AssertNoSecretLogged(params string[] more)
    {
        foreach (var text in _fixture.Provider.Logs.Records.SelectMany(r => r.AllText()))
        {
            Assert.DoesNotContain(FakeCredentialProcess.Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(FakeCredentialProcess.Token, text, StringComparison.Ordinal);
            foreach (var other in more)
            {
                Assert.DoesNotContain(other, text, StringComparison.Ordinal);
            }
        }
    }
}
