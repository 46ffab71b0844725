using Amazon.SecurityToken.Model;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Logging;

namespace CredentialKit.Tests.Sources;

public sealed class SessionTokenSourceTests : IDisposable
{
    private readonly SourceFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private List<GetSessionTokenRequest> Requests() =>
        _fixture.Provider.Sts.SourceCalls.Where(c => c.Operation == "GetSessionToken").Select(c => (GetSessionTokenRequest)c.Request).ToList();

    [Fact]
    public async Task GetCredentialsAsync_StaticKeys_SignsGetSessionTokenWithTheLongTermKey()
    {
        var options = _fixture.SessionToken();
        options.Source.Duration = TimeSpan.FromHours(36);
        await using var provider = _fixture.Create(options);

        var credentials = await provider.GetCredentialsAsync();

        var call = Assert.Single(_fixture.Provider.Sts.SourceCalls);
        Assert.Equal(ProviderFixture.SourceAccessKeyId, call.SignerAccessKeyId);
        Assert.Equal(129600, Requests()[0].DurationSeconds);
        Assert.Null(Requests()[0].SerialNumber);
        Assert.Equal(_fixture.Provider.Time.GetUtcNow() + TimeSpan.FromHours(36), credentials.Expiration);
    }

    [Fact]
    public async Task RoleAfterSessionToken_IsNotRoleChaining_DurationKept()
    {
        var options = _fixture.SessionToken(ProviderFixture.HubArn, ProviderFixture.ReportsArn);
        options.Roles[0].Duration = TimeSpan.FromHours(4);
        options.Roles[1].Duration = TimeSpan.FromHours(2);
        await using var provider = _fixture.Create(options);

        await provider.GetCredentialsAsync();

        var calls = _fixture.Provider.Sts.Calls;
        Assert.Equal(4 * 3600, calls[0].Request.DurationSeconds); // first role after GetSessionToken: no clamp
        Assert.StartsWith("ASIASESSION", calls[0].SignerAccessKeyId, StringComparison.Ordinal);
        Assert.Equal(3600, calls[1].Request.DurationSeconds); // second role: chaining, clamped
        var clamp = Assert.Single(_fixture.Provider.Logs.WithEventId(4));
        Assert.Equal(ProviderFixture.ReportsArn, clamp["RoleArn"]);
    }

    [Fact]
    public async Task ForRoleOnASessionTokenSession_IsNotRoleChaining_ButForRoleOnARoleIs()
    {
        await using var provider = _fixture.Create(_fixture.SessionToken());
        var direct = provider.ForRole(new AssumeRoleOptions { RoleArn = ProviderFixture.HubArn, Duration = TimeSpan.FromHours(4) });
        var chained = direct.ForRole(new AssumeRoleOptions { RoleArn = ProviderFixture.ReportsArn, Duration = TimeSpan.FromHours(4) });

        await chained.GetCredentialsAsync();

        var calls = _fixture.Provider.Sts.Calls;
        Assert.Equal(4 * 3600, calls[0].Request.DurationSeconds);
        Assert.Equal(3600, calls[1].Request.DurationSeconds);
    }

    [Fact]
    public async Task Refresh_WithMfa_AsksTheCallbackOncePerRefreshAndSendsEachCode()
    {
        var options = _fixture.SessionToken();
        options.Source.MfaSerialNumber = SourceFixture.MfaSerial;
        var codes = new Queue<string>(["111111", "222222", "333333"]);
        var asked = 0;
        options.Source.MfaTokenCodeProvider = _ =>
        {
            asked++;
            return ValueTask.FromResult(codes.Dequeue());
        };
        options.Source.Duration = TimeSpan.FromHours(1);
        await using var provider = _fixture.Create(options);

        await provider.GetCredentialsAsync();
        _fixture.PastUsable();
        await provider.GetCredentialsAsync();

        Assert.Equal(2, asked);
        Assert.Equal(["111111", "222222"], Requests().Select(r => r.TokenCode));
        Assert.All(Requests(), r => Assert.Equal(SourceFixture.MfaSerial, r.SerialNumber));
    }

    [Fact]
    public async Task Refresh_CallbackRepeatsTheLastCode_NeverSendsItTwice()
    {
        var options = _fixture.SessionToken();
        options.Source.MfaSerialNumber = SourceFixture.MfaSerial;
        options.Source.MfaTokenCodeProvider = _ => ValueTask.FromResult("123456");
        options.Source.Duration = TimeSpan.FromHours(1);
        await using var provider = _fixture.Create(options);
        await provider.GetCredentialsAsync();

        _fixture.Provider.Time.Advance(TimeSpan.FromMinutes(50)); // inside the refresh window, still usable
        await provider.GetCredentialsAsync();
        await ProviderFixture.WhenIdleAsync(provider);

        Assert.Single(Requests());
        var status = provider.GetStatus();
        Assert.Equal(CredentialProviderState.ServingCachedAfterFailure, status.State);
        Assert.Equal("MfaTokenCodeReused", status.LastErrorCode);
    }

    [Fact]
    public async Task Refresh_NoCodeCanBeHad_ServesCachedSessionAndWarnsWhenItStopsWorking()
    {
        var options = _fixture.SessionToken();
        options.Source.MfaSerialNumber = SourceFixture.MfaSerial;
        var first = true;
        options.Source.MfaTokenCodeProvider = _ => first
            ? ValueTask.FromResult("654321")
            : ValueTask.FromException<string>(new InvalidOperationException("user is away"));
        options.Source.Duration = TimeSpan.FromHours(1);
        await using var provider = _fixture.Create(options);
        var issued = await provider.GetCredentialsAsync();
        first = false;

        _fixture.Provider.Time.Advance(TimeSpan.FromMinutes(50));
        var served = await provider.GetCredentialsAsync();
        await ProviderFixture.WhenIdleAsync(provider);

        Assert.Same(issued, served);
        Assert.Same(issued, await provider.GetCredentialsAsync());
        var warning = Assert.Single(_fixture.Provider.Logs.WithEventId(24));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(issued.Expiration, warning["Expiration"]);
        Assert.Equal("MfaTokenCodeUnavailable", warning["ErrorCode"]);
        var status = provider.GetStatus();
        Assert.Equal(CredentialProviderState.ServingCachedAfterFailure, status.State);
        Assert.Equal("MfaTokenCodeUnavailable", status.LastErrorCode);
        Assert.Equal(issued.Expiration, status.Expiration);
    }
}
