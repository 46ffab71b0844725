using Amazon.SecurityToken.Model;
using CredentialKit.Tests.Helpers;
using CredentialKit.Tests.Sources;

namespace CredentialKit.Tests.Sts;

/// <summary>
/// Issue #17.2: a 200 whose identity differs from the request (another account, role, session name, federated user) was
/// not written by STS for this request; it is refused as malformed and never handed out.
/// </summary>
public sealed class ResponseIdentityTests : IDisposable
{
    private readonly SourceFixture _sources = new();

    private ProviderFixture Fixture => _sources.Provider;

    [Theory]
    [InlineData("arn:aws:sts::999999999999:assumed-role/hub/test-session", "account '999999999999'")]
    [InlineData("arn:aws:sts::111122223333:assumed-role/admin/test-session", "role 'admin'")]
    [InlineData("arn:aws:sts::111122223333:assumed-role/hub/other-session", "session name 'other-session'")]
    [InlineData("arn:aws-cn:sts::111122223333:assumed-role/hub/test-session", "partition 'aws-cn'")]
    [InlineData("arn:aws:iam::111122223333:role/hub", "not an STS assumed-role ARN")]
    [InlineData("arn:aws:sts::111122223333:federated-user/test-session", "not an STS assumed-role ARN")]
    [InlineData(null, "names no assumed-role ARN")]
    public async Task AssumeRole_AnswerForSomeoneElse_IsRefusedAsMalformed(string? arn, string problem)
    {
        await using var provider = Fixture.Create();
        Fixture.Sts.Enqueue((call, _) =>
        {
            var response = Fixture.Sts.Success(call);
            response.AssumedRoleUser = arn is null ? null : new AssumedRoleUser { Arn = arn, AssumedRoleId = "AROAX:y" };
            return Task.FromResult(response);
        });

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal(StsErrorClassifier.MalformedResponseCode, error.ErrorCode);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.IsType<MalformedStsResponseException>(error.InnerException);
    }

    [Fact]
    public async Task AssumeRole_SecondHopAnsweredForAnotherAccount_IsNeverHandedOut()
    {
        await using var provider = Fixture.Create(ProviderFixture.Profile(ProviderFixture.HubArn, ProviderFixture.ReportsArn));
        Fixture.Sts.Enqueue((call, _) => Task.FromResult(Fixture.Sts.Success(call)));
        Fixture.Sts.Enqueue((call, _) =>
        {
            var response = Fixture.Sts.Success(call);
            response.AssumedRoleUser.Arn = "arn:aws:sts::999999999999:assumed-role/reports/test-session";
            return Task.FromResult(response);
        });

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal(ProviderFixture.ReportsArn, error.RoleArn);
        Assert.Equal(StsErrorClassifier.MalformedResponseCode, error.ErrorCode);
        Assert.Equal(2, Fixture.Sts.CallCount);
    }

    [Fact]
    public async Task AssumeRole_RoleNameInAnotherCaseAndAPath_IsAccepted()
    {
        const string PathArn = "arn:aws:iam::111122223333:role/team/data/Reader";
        await using var provider = Fixture.Create(ProviderFixture.Profile(PathArn));
        Fixture.Sts.Enqueue((call, _) =>
        {
            var response = Fixture.Sts.Success(call);
            response.AssumedRoleUser.Arn = "arn:aws:sts::111122223333:assumed-role/reader/test-session";
            return Task.FromResult(response);
        });

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal("arn:aws:sts::111122223333:assumed-role/reader/test-session", credentials.AssumedRoleArn);
    }

    [Theory]
    [InlineData("arn:aws:sts::999999999999:assumed-role/web/web-session")]
    [InlineData("arn:aws:sts::111122223333:assumed-role/admin/web-session")]
    [InlineData("arn:aws:sts::111122223333:assumed-role/web/someone-else")]
    public async Task WebIdentity_AnswerForAnotherRoleOrSubjectSession_IsRefused(string arn)
    {
        await using var provider = _sources.Create(_sources.WebIdentity());
        Fixture.Sts.AlterSourceResponse = r => ((AssumeRoleWithWebIdentityResponse)r).AssumedRoleUser.Arn = arn;

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal(StsErrorClassifier.MalformedResponseCode, error.ErrorCode);
        Assert.Equal(SourceFixture.WebRoleArn, error.RoleArn);
    }

    [Theory]
    [InlineData("arn:aws:sts::999999999999:assumed-role/sso/alice", false)]
    [InlineData("arn:aws:sts::111122223333:assumed-role/admin/alice", false)]
    [InlineData("arn:aws:sts::111122223333:assumed-role/sso/any-name-from-the-assertion", true)]
    public async Task Saml_RoleAndAccountChecked_SessionNameComesFromTheAssertion(string arn, bool accepted)
    {
        var options = _sources.Options(SourceCredentialsType.Saml);
        options.Source.RoleArn = SourceFixture.SamlRoleArn;
        options.Source.PrincipalArn = SourceFixture.SamlProviderArn;
        options.Source.SamlAssertionProvider = _ => ValueTask.FromResult("PHNhbWw+assertion");
        await using var provider = _sources.Create(options);
        Fixture.Sts.AlterSourceResponse = r => ((AssumeRoleWithSAMLResponse)r).AssumedRoleUser.Arn = arn;

        var error = await Record.ExceptionAsync(() => provider.GetCredentialsAsync().AsTask());

        if (accepted)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Equal(StsErrorClassifier.MalformedResponseCode, Assert.IsType<CredentialRefreshException>(error).ErrorCode);
        }
    }

    [Theory]
    [InlineData("arn:aws:sts::111122223333:federated-user/mallory")]
    [InlineData("arn:aws:sts::111122223333:assumed-role/bob/bob")]
    [InlineData(null)]
    public async Task FederationToken_AnswerForAnotherFederatedUser_IsRefused(string? arn)
    {
        var options = _sources.Options(SourceCredentialsType.FederationToken);
        options.Source.AccessKeyId = ProviderFixture.SourceAccessKeyId;
        options.Source.SecretAccessKey = ProviderFixture.SourceSecret;
        options.Source.Name = "bob";
        await using var provider = _sources.Create(options);
        Fixture.Sts.AlterSourceResponse = r => ((GetFederationTokenResponse)r).FederatedUser = arn is null ? null : new FederatedUser { Arn = arn, FederatedUserId = "x:y" };

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal(StsErrorClassifier.MalformedResponseCode, error.ErrorCode);
    }

    public void Dispose() => _sources.Dispose();
}
