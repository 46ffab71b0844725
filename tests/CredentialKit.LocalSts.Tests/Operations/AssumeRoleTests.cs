using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Operations;

public sealed class AssumeRoleTests
{
    private static AssumeRoleRequest Hub(int? duration = null) =>
        new() { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app", DurationSeconds = duration };

    private static async Task<AmazonSecurityTokenServiceException> FailsAsync(LocalStsServer server, AssumeRoleRequest request, AWSCredentials? credentials = null)
    {
        using var client = Sts.Client(server, credentials);
        return await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.AssumeRoleAsync(request));
    }

    private static async Task<AssumeRoleResponse> HubSessionAsync(LocalStsServer server, AssumeRoleRequest? request = null)
    {
        using var client = Sts.Client(server);
        return await client.AssumeRoleAsync(request ?? Hub());
    }

    [Fact]
    public async Task AssumeRole_TrustedUser_ReturnsSessionExpiringAfterDuration()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;

        var response = await HubSessionAsync(server, Hub(7200));

        Assert.StartsWith("ASIA", response.Credentials.AccessKeyId, StringComparison.Ordinal);
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/hub/app", response.AssumedRoleUser.Arn);
        Assert.EndsWith(":app", response.AssumedRoleUser.AssumedRoleId, StringComparison.Ordinal);
        Assert.Equal(time.GetUtcNow().AddHours(2), new DateTimeOffset(response.Credentials.Expiration!.Value.ToUniversalTime(), TimeSpan.Zero));
    }

    [Fact]
    public async Task AssumeRole_SessionLifetimeOverride_IssuesShortSessions()
    {
        var (server, time) = await Sts.StartDemoAsync(o => o.SessionLifetimeOverride = TimeSpan.FromSeconds(20));
        await using var _ = server;

        var response = await HubSessionAsync(server, Hub(3600));

        Assert.Equal(time.GetUtcNow().AddSeconds(20), server.GetSession(response.Credentials.AccessKeyId)!.Expiration);
    }

    [Theory]
    [InlineData("short", "app", "1 validation error detected: Value 'short' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20")]
    [InlineData("arn:aws:iam::111122223333:role/hub", "x", "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2")]
    [InlineData("arn:aws:iam::111122223333:role/hub", "Session1:2", "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")]
    [InlineData("arn:aws:iam::111122223333:role/hub", "sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss", "1 validation error detected: Value 'sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64")]
    [InlineData("short", "x y", "2 validation errors detected: Value 'short' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; Value 'x y' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")]
    [InlineData("nothing-valid-in-here", "app", "nothing-valid-in-here is invalid")]
    public async Task AssumeRole_InvalidArnOrSessionName_ReturnsExactValidationError(string roleArn, string sessionName, string message)
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        var ex = await FailsAsync(server, new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = sessionName });

        Assert.Equal("ValidationError", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal(ErrorType.Sender, ex.ErrorType);
        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData(20, "Value '20' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")]
    [InlineData(345600, "Value '345600' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200")]
    public async Task AssumeRole_DurationOutOfModelRange_ReturnsValidationError(int duration, string detail)
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        var ex = await FailsAsync(server, Hub(duration));

        Assert.Equal("1 validation error detected: " + detail, ex.Message);
    }

    [Fact]
    public async Task AssumeRole_MissingRoleArn_ReportsNotNull()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        var ex = await FailsAsync(server, new AssumeRoleRequest { RoleSessionName = "app" });

        Assert.Equal("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_BadTokenCode_DoesNotEchoTheCode()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        // Not a literal: the SDK's analyzer rejects invalid constants at compile time, but sends anything at run time.
        var badCode = string.Concat("12a", "4567");

        var ex = await FailsAsync(server, new AssumeRoleRequest { RoleArn = LocalStsDemo.MfaRoleArn, RoleSessionName = "app", SerialNumber = LocalStsDemo.MfaSerialNumber, TokenCode = badCode });

        Assert.DoesNotContain(badCode, ex.Message, StringComparison.Ordinal);
        Assert.Equal(
            "2 validation errors detected: Value '*** Sensitive Data Redacted ***' at 'tokenCode' failed to satisfy constraint: Member must have length less than or equal to 6; " +
            "Value '*** Sensitive Data Redacted ***' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*",
            ex.Message);
    }

    [Fact]
    public async Task AssumeRole_DurationAboveRoleMax_ReturnsMaxSessionDurationText()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);
        var hub = await client.AssumeRoleAsync(Hub());

        // mfa-admin has the default 1 h MaxSessionDuration.
        var ex = await FailsAsync(server, new AssumeRoleRequest { RoleArn = LocalStsDemo.MfaRoleArn, RoleSessionName = "app", DurationSeconds = 7200, SerialNumber = LocalStsDemo.MfaSerialNumber, TokenCode = LocalStsDemo.MfaFixedCode });

        Assert.NotNull(hub);
        Assert.Equal("ValidationError", ex.ErrorCode);
        Assert.Equal("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_UntrustedRole_ReturnsAccessDenied()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        var ex = await FailsAsync(server, new AssumeRoleRequest { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "app", ExternalId = LocalStsDemo.ReportsExternalId });

        Assert.Equal("AccessDenied", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal($"User: {LocalStsDemo.UserArn} is not authorized to perform: sts:AssumeRole on resource: {LocalStsDemo.ReportsRoleArn}", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_UnknownRole_ReturnsAccessDenied()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        var ex = await FailsAsync(server, new AssumeRoleRequest { RoleArn = "arn:aws:iam::111122223333:role/nope", RoleSessionName = "app" });

        Assert.Equal("AccessDenied", ex.ErrorCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-id")]
    public async Task AssumeRole_ChainedWithMissingOrWrongExternalId_ReturnsAccessDenied(string? externalId)
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        var hub = await HubSessionAsync(server);

        var ex = await FailsAsync(server, new AssumeRoleRequest { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "rpt", ExternalId = externalId }, Sts.AsCredentials(hub.Credentials));

        Assert.Equal("AccessDenied", ex.ErrorCode);
        Assert.Equal($"User: arn:aws:sts::111122223333:assumed-role/hub/app is not authorized to perform: sts:AssumeRole on resource: {LocalStsDemo.ReportsRoleArn}", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_ChainedWithExternalId_AnswersCallerIdentityAsAssumedRole()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        var hub = await HubSessionAsync(server);
        using var hubClient = Sts.Client(server, Sts.AsCredentials(hub.Credentials));

        var reports = await hubClient.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "rpt", ExternalId = LocalStsDemo.ReportsExternalId });
        using var reportsClient = Sts.Client(server, Sts.AsCredentials(reports.Credentials));
        var identity = await reportsClient.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal("arn:aws:sts::444455556666:assumed-role/reports/rpt", identity.Arn);
        Assert.Equal("444455556666", identity.Account);
        Assert.EndsWith(":rpt", identity.UserId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3601)]
    [InlineData(7200)]
    [InlineData(43200)]
    public async Task AssumeRole_ChainedAboveOneHour_ReturnsChainingLimitText(int duration)
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        var hub = await HubSessionAsync(server);

        var ex = await FailsAsync(server, new AssumeRoleRequest { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "rpt", ExternalId = LocalStsDemo.ReportsExternalId, DurationSeconds = duration }, Sts.AsCredentials(hub.Credentials));

        Assert.Equal("ValidationError", ex.ErrorCode);
        Assert.Equal("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_ChainedAtExactlyOneHour_Succeeds()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        var hub = await HubSessionAsync(server);
        using var client = Sts.Client(server, Sts.AsCredentials(hub.Credentials));

        var reports = await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "rpt", ExternalId = LocalStsDemo.ReportsExternalId, DurationSeconds = 3600 });

        Assert.NotNull(reports.Credentials);
    }

    [Fact]
    public async Task AssumeRole_MfaRoleWithoutMfa_ReturnsAccessDenied()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        var ex = await FailsAsync(server, new AssumeRoleRequest { RoleArn = LocalStsDemo.MfaRoleArn, RoleSessionName = "app" });

        Assert.Equal("AccessDenied", ex.ErrorCode);
    }

    [Fact]
    public async Task AssumeRole_MfaRoleWithWrongCode_ReturnsAccessDenied()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        var ex = await FailsAsync(server, new AssumeRoleRequest { RoleArn = LocalStsDemo.MfaRoleArn, RoleSessionName = "app", SerialNumber = LocalStsDemo.MfaSerialNumber, TokenCode = "000000" });

        Assert.Equal("AccessDenied", ex.ErrorCode);
        Assert.Equal("MultiFactorAuthentication failed with invalid MFA one time pass code.", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_MfaRoleWithTotpOnManualClock_Succeeds()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);

        var response = await client.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = LocalStsDemo.MfaRoleArn, RoleSessionName = "app", SerialNumber = LocalStsDemo.MfaSerialNumber,
            TokenCode = LocalStsTokens.ComputeTotp(LocalStsDemo.MfaTotpSecret, time.GetUtcNow()),
        });

        Assert.True(server.GetSession(response.Credentials.AccessKeyId)!.MfaAuthenticated);
    }

    [Fact]
    public async Task AssumeRole_MfaRoleFromMfaSessionToken_Succeeds()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);
        var token = await client.GetSessionTokenAsync(new GetSessionTokenRequest { SerialNumber = LocalStsDemo.MfaSerialNumber, TokenCode = LocalStsDemo.MfaFixedCode });
        using var mfaClient = Sts.Client(server, Sts.AsCredentials(token.Credentials));

        var response = await mfaClient.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.MfaRoleArn, RoleSessionName = "app" });

        Assert.Equal("arn:aws:sts::111122223333:assumed-role/mfa-admin/app", response.AssumedRoleUser.Arn);
    }

    [Fact]
    public async Task AssumeRole_ExpiredCallerSession_ReturnsExpiredToken()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var __ = server;
        var hub = await HubSessionAsync(server);
        time.Advance(TimeSpan.FromHours(1));

        var ex = await FailsAsync(server, new AssumeRoleRequest { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "rpt", ExternalId = LocalStsDemo.ReportsExternalId }, Sts.AsCredentials(hub.Credentials));

        Assert.Equal("ExpiredToken", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal("The security token included in the request is expired", ex.Message);
    }

    [Fact]
    public async Task AssumeRole_OneSecondBeforeExpiry_StillAccepted()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var __ = server;
        var hub = await HubSessionAsync(server);
        time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        using var client = Sts.Client(server, Sts.AsCredentials(hub.Credentials));

        var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal("arn:aws:sts::111122223333:assumed-role/hub/app", identity.Arn);
    }

    [Fact]
    public async Task AssumeRole_InvalidPolicyJson_ReturnsMalformedPolicyDocument()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);

        var ex = await Assert.ThrowsAsync<MalformedPolicyDocumentException>(() => client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app", Policy = "{not json" }));

        Assert.Equal("The policy is not in the valid JSON format.", ex.Message);
    }
}
