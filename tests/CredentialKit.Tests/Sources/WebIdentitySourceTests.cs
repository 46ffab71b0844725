using System.Net;
using Amazon.SecurityToken.Model;
using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Sources;

public sealed class WebIdentitySourceTests : IDisposable
{
    private readonly SourceFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private AssumeRoleWithWebIdentityRequest Request(int index) =>
        (AssumeRoleWithWebIdentityRequest)_fixture.Provider.Sts.SourceCalls.Where(c => c.Operation == "AssumeRoleWithWebIdentity").ElementAt(index).Request;

    [Fact]
    public async Task GetCredentialsAsync_NoRoles_ServesTheWebIdentitySessionSentUnsigned()
    {
        await using var provider = _fixture.Create(_fixture.WebIdentity());

        var credentials = await provider.GetCredentialsAsync();

        var call = Assert.Single(_fixture.Provider.Sts.SourceCalls);
        Assert.Equal("AssumeRoleWithWebIdentity", call.Operation);
        Assert.Null(call.SignerAccessKeyId);
        var request = Request(0);
        Assert.Equal(SourceFixture.WebRoleArn, request.RoleArn);
        Assert.Equal("web-session", request.RoleSessionName);
        Assert.Equal("token-one", request.WebIdentityToken);
        Assert.Equal(3600, request.DurationSeconds);
        Assert.StartsWith("ASIAWEB", credentials.AccessKeyId, StringComparison.Ordinal);
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/web/web-session", credentials.AssumedRoleArn);
    }

    [Fact]
    public async Task Refresh_TokenFileRewrittenBetweenRefreshes_SendsTheNewToken()
    {
        await using var provider = _fixture.Create(_fixture.WebIdentity());
        await provider.GetCredentialsAsync();

        File.WriteAllText(_fixture.TokenFile, "token-two");
        _fixture.PastUsable();
        await provider.GetCredentialsAsync();

        Assert.Equal(["token-one", "token-two"], new[] { Request(0).WebIdentityToken, Request(1).WebIdentityToken });
    }

    [Fact]
    public async Task GetCredentialsAsync_NoExplicitSettings_ReadsTheSdkEnvironmentVariables()
    {
        var options = _fixture.Options(SourceCredentialsType.WebIdentity);
        File.WriteAllText(_fixture.TokenFile, "env-token");
        _fixture.Environment["AWS_ROLE_ARN"] = SourceFixture.WebRoleArn;
        _fixture.Environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = _fixture.TokenFile;
        _fixture.Environment["AWS_ROLE_SESSION_NAME"] = "irsa-pod";
        await using var provider = _fixture.Create(options);

        await provider.GetCredentialsAsync();

        var request = Request(0);
        Assert.Equal((SourceFixture.WebRoleArn, "irsa-pod", "env-token"), (request.RoleArn, request.RoleSessionName, request.WebIdentityToken));
    }

    [Fact]
    public async Task GetCredentialsAsync_InvalidIdentityToken_ReadsTheFileAgainAndRetriesOnce()
    {
        _fixture.Provider.Sts.EnqueueSource(call =>
        {
            File.WriteAllText(_fixture.TokenFile, "rotated-token"); // rotated while the first call was in flight
            return StsStub.Error("InvalidIdentityToken");
        });
        await using var provider = _fixture.Create(_fixture.WebIdentity());

        await provider.GetCredentialsAsync();

        Assert.Equal(["token-one", "rotated-token"], new[] { Request(0).WebIdentityToken, Request(1).WebIdentityToken });
        Assert.Single(_fixture.Provider.Logs.WithEventId(23));
    }

    [Fact]
    public async Task GetCredentialsAsync_InvalidIdentityTokenTwice_FailsAfterOneRetry()
    {
        _fixture.Provider.Sts.EnqueueSourceError("InvalidIdentityToken", times: 2);
        await using var provider = _fixture.Create(_fixture.WebIdentity());

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("InvalidIdentityToken", error.ErrorCode);
        Assert.Equal(2, _fixture.Provider.Sts.SourceCalls.Count);
    }

    [Fact]
    public async Task GetCredentialsAsync_IdpCommunicationError_IsRetriedAsTransient()
    {
        _fixture.Provider.Sts.EnqueueSourceError("IDPCommunicationError");
        await using var provider = _fixture.Create(_fixture.WebIdentity());

        await provider.GetCredentialsAsync();

        Assert.Equal(2, _fixture.Provider.Sts.SourceCalls.Count);
    }

    [Fact]
    public async Task GetCredentialsAsync_TokenFileMissing_FailsNamingThePathAndNeverTheToken()
    {
        var options = _fixture.WebIdentity();
        File.Delete(_fixture.TokenFile);
        await using var provider = _fixture.Create(options);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("WebIdentityTokenFileUnreadable", error.ErrorCode);
        Assert.Contains(_fixture.TokenFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Empty(_fixture.Provider.Sts.SourceCalls);
    }

    [Fact]
    public async Task Logs_NeverContainTheToken()
    {
        var options = _fixture.WebIdentity();
        File.WriteAllText(_fixture.TokenFile, "eyJhbGciOiJSUzI1NiJ9.SECRET-TOKEN-BODY.sig");
        _fixture.Provider.Sts.EnqueueSourceError("InvalidIdentityToken", times: 2);
        await using var provider = _fixture.Create(options);

        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.All(_fixture.Provider.Logs.Records, r => Assert.DoesNotContain("SECRET-TOKEN-BODY", r.Message + r.Exception, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetCredentialsAsync_TokenCallback_IsCalledOnEveryRefresh()
    {
        var options = _fixture.WebIdentity();
        options.Source.TokenFile = null;
        var n = 0;
        options.Source.WebIdentityTokenProvider = _ => ValueTask.FromResult($"callback-{++n}");
        await using var provider = _fixture.Create(options);

        await provider.GetCredentialsAsync();
        _fixture.PastUsable();
        await provider.GetCredentialsAsync();

        Assert.Equal(["callback-1", "callback-2"], new[] { Request(0).WebIdentityToken, Request(1).WebIdentityToken });
    }

    [Fact]
    public async Task RoleAfterWebIdentity_IsRoleChaining_DurationClampedToOneHour()
    {
        var options = _fixture.WebIdentity(ProviderFixture.HubArn, ProviderFixture.ReportsArn);
        options.Roles[0].Duration = TimeSpan.FromHours(2);
        await using var provider = _fixture.Create(options);

        var credentials = await provider.GetCredentialsAsync();

        var calls = _fixture.Provider.Sts.Calls;
        Assert.Equal(3600, calls[0].Request.DurationSeconds);
        Assert.StartsWith("ASIAWEB", calls[0].SignerAccessKeyId, StringComparison.Ordinal);
        Assert.StartsWith("ASIAHUB", calls[1].SignerAccessKeyId, StringComparison.Ordinal);
        Assert.StartsWith("ASIAREPORTS", credentials.AccessKeyId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedCache_SameWebIdentitySource_IsOneSessionForTwoProviders()
    {
        var cache = new SessionCache(_fixture.Provider.CacheOptions());
        await using var first = CredentialProvider.Create(_fixture.WebIdentity(ProviderFixture.HubArn), cache);
        await using var second = CredentialProvider.Create(_fixture.WebIdentity(ProviderFixture.BillingArn), cache);

        await first.GetCredentialsAsync();
        await second.GetCredentialsAsync();

        Assert.Single(_fixture.Provider.Sts.SourceCalls);
        Assert.Equal(2, _fixture.Provider.Sts.CallCount);
        cache.Dispose();
    }
}
