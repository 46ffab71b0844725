using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CredentialKit.LocalSts.Tool.Tests.Helpers;

namespace CredentialKit.LocalSts.Tool.Tests;

/// <summary>
/// Debian's awscli v2 and python3-botocore against the installed <c>localsts</c> tool: exit codes, error codes and the exact
/// messages of sts-facts. awscli v2 exits 254 on a service error.
/// </summary>
public sealed partial class AwsCliConformanceTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>
{
    private const int ServiceError = 254;
    private const string ReadOnlyPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";

    private AwsCli Aws => fixture.Aws;

    private static void AssertSucceeded(AwsCli.Outcome outcome) => Assert.True(outcome.ExitCode == 0, outcome.Raw);

    private static void AssertFailed(AwsCli.Outcome outcome, string code, string message)
    {
        Assert.True(outcome.ExitCode == ServiceError && outcome.ErrorCode == code, outcome.Raw);
        Assert.Equal(message, outcome.ErrorMessage);
    }

    private async Task<AwsCli.Keys> AssumeHubAsync(string sessionName, params string[] extra)
    {
        var outcome = await Aws.StsAsync(World.DemoUser, ["assume-role", "--role-arn", World.HubRoleArn, "--role-session-name", sessionName, .. extra]);
        AssertSucceeded(outcome);
        return ConformanceFixture.KeysOf(outcome.Json!.Value);
    }

    private async Task<string> CallerArnAsync(AwsCli.Keys keys)
    {
        var outcome = await Aws.StsAsync(keys, "get-caller-identity");
        AssertSucceeded(outcome);
        return outcome.Json!.Value.GetProperty("Arn").GetString()!;
    }

    [Fact]
    public async Task GetCallerIdentity_User_ReturnsUserArnAndAccount()
    {
        var outcome = await Aws.StsAsync(World.DemoUser, "get-caller-identity");

        AssertSucceeded(outcome);
        Assert.Equal(World.UserArn, outcome.Json!.Value.GetProperty("Arn").GetString());
        Assert.Equal(World.AccountId, outcome.Json!.Value.GetProperty("Account").GetString());
    }

    [Fact]
    public async Task AssumeRole_TagsTransitiveKeysPolicyPolicyArnsSourceIdentity_IssuesRoleSession()
    {
        var outcome = await Aws.StsAsync(World.DemoUser,
            "assume-role", "--role-arn", World.HubRoleArn, "--role-session-name", "conf-full",
            "--tags", "Key=team,Value=data", "Key=cost,Value=42", "--transitive-tag-keys", "team",
            "--policy", ReadOnlyPolicy, "--policy-arns", "arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
            "--source-identity", "alice", "--duration-seconds", "7200");

        AssertSucceeded(outcome);
        var result = outcome.Json!.Value;
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/hub/conf-full", result.GetProperty("AssumedRoleUser").GetProperty("Arn").GetString());
        Assert.Equal("alice", result.GetProperty("SourceIdentity").GetString());
        Assert.True(result.GetProperty("PackedPolicySize").GetInt32() > 0);
        Assert.StartsWith("ASIA", result.GetProperty("Credentials").GetProperty("AccessKeyId").GetString(), StringComparison.Ordinal);
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/hub/conf-full", await CallerArnAsync(ConformanceFixture.KeysOf(result)));
    }

    [Fact]
    public async Task AssumeRole_TwoHopChainWithExternalId_CarriesTransitiveTagAndSourceIdentity()
    {
        var hub = await AssumeHubAsync("conf-hub", "--tags", "Key=team,Value=data", "--transitive-tag-keys", "team", "--source-identity", "alice");

        var reports = await Aws.StsAsync(hub, "assume-role", "--role-arn", World.ReportsRoleArn, "--role-session-name", "conf-reports", "--external-id", World.ReportsExternalId);

        AssertSucceeded(reports);
        var keys = ConformanceFixture.KeysOf(reports.Json!.Value);
        Assert.Equal("arn:aws:sts::444455556666:assumed-role/reports/conf-reports", await CallerArnAsync(keys));
        Assert.Equal("alice", reports.Json!.Value.GetProperty("SourceIdentity").GetString());
        var session = (await fixture.Control.GetSessionsAsync()).EnumerateArray().Single(s => s.GetProperty("accessKeyId").GetString() == keys.AccessKeyId);
        Assert.Equal("data", session.GetProperty("tags").GetProperty("team").GetString());
    }

    [Fact]
    public async Task AssumeRole_ChainedAboveOneHour_ReturnsChainingLimitError()
    {
        var hub = await AssumeHubAsync("conf-chain");

        var outcome = await Aws.StsAsync(hub, "assume-role", "--role-arn", World.ReportsRoleArn, "--role-session-name", "conf-long",
            "--external-id", World.ReportsExternalId, "--duration-seconds", "7200");

        AssertFailed(outcome, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
    }

    [Fact]
    public async Task AssumeRole_WrongExternalId_ReturnsAccessDenied()
    {
        var hub = await AssumeHubAsync("conf-extid");

        var outcome = await Aws.StsAsync(hub, "assume-role", "--role-arn", World.ReportsRoleArn, "--role-session-name", "conf-x", "--external-id", "wrong-id");

        AssertFailed(outcome, "AccessDenied",
            $"User: arn:aws:sts::111122223333:assumed-role/hub/conf-extid is not authorized to perform: sts:AssumeRole on resource: {World.ReportsRoleArn}");
    }

    [Fact]
    public async Task AssumeRole_Mfa_AcceptsTheCodeAndRefusesAWrongOne()
    {
        var ok = await Aws.StsAsync(World.DemoUser, "assume-role", "--role-arn", World.MfaRoleArn, "--role-session-name", "conf-mfa",
            "--serial-number", World.MfaSerialNumber, "--token-code", World.MfaFixedCode);
        var wrong = await Aws.StsAsync(World.DemoUser, "assume-role", "--role-arn", World.MfaRoleArn, "--role-session-name", "conf-mfa",
            "--serial-number", World.MfaSerialNumber, "--token-code", "000000");

        AssertSucceeded(ok);
        AssertFailed(wrong, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.");
    }

    [Fact]
    public async Task AssumeRole_DuplicateTagKeys_ReturnsInvalidParameterValue()
    {
        var outcome = await Aws.StsAsync(World.DemoUser, "assume-role", "--role-arn", World.HubRoleArn, "--role-session-name", "conf-dup",
            "--tags", "Key=Team,Value=a", "Key=team,Value=b");

        AssertFailed(outcome, "InvalidParameterValue", "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    }

    [Fact]
    public async Task GetSessionToken_ThenGetCallerIdentity_IsTheUser()
    {
        var outcome = await Aws.StsAsync(World.DemoUser, "get-session-token", "--duration-seconds", "900");

        AssertSucceeded(outcome);
        var keys = ConformanceFixture.KeysOf(outcome.Json!.Value);
        Assert.StartsWith("ASIA", keys.AccessKeyId, StringComparison.Ordinal);
        Assert.Equal(World.UserArn, await CallerArnAsync(keys));
    }

    [Fact]
    public async Task GetFederationToken_ThenGetCallerIdentity_IsTheFederatedUser()
    {
        var outcome = await Aws.StsAsync(World.DemoUser, "get-federation-token", "--name", "ci-bot", "--policy", ReadOnlyPolicy);

        AssertSucceeded(outcome);
        Assert.Equal("arn:aws:sts::111122223333:federated-user/ci-bot", outcome.Json!.Value.GetProperty("FederatedUser").GetProperty("Arn").GetString());
        Assert.Equal("arn:aws:sts::111122223333:federated-user/ci-bot", await CallerArnAsync(ConformanceFixture.KeysOf(outcome.Json!.Value)));
    }

    [Fact]
    public async Task AssumeRoleWithWebIdentity_MintedToken_IssuesSession()
    {
        var token = await fixture.Control.MintWebIdentityTokenAsync("system:serviceaccount:ci:runner");

        var outcome = await Aws.StsAsync(null, "assume-role-with-web-identity", "--role-arn", World.WebRoleArn, "--role-session-name", "conf-web",
            "--web-identity-token", token);

        AssertSucceeded(outcome);
        Assert.Equal("system:serviceaccount:ci:runner", outcome.Json!.Value.GetProperty("SubjectFromWebIdentityToken").GetString());
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/web/conf-web", await CallerArnAsync(ConformanceFixture.KeysOf(outcome.Json!.Value)));
    }

    [Fact]
    public async Task AssumeRoleWithSaml_MintedAssertion_IssuesSession()
    {
        var assertion = await fixture.Control.MintSamlAssertionAsync(World.SamlRoleArn, "alice");

        var outcome = await Aws.StsAsync(null, "assume-role-with-saml", "--role-arn", World.SamlRoleArn, "--principal-arn", World.SamlProviderArn,
            "--saml-assertion", assertion);

        AssertSucceeded(outcome);
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/sso/alice", outcome.Json!.Value.GetProperty("AssumedRoleUser").GetProperty("Arn").GetString());
    }

    [Fact]
    public async Task GetCallerIdentity_ServerClockAnHourAhead_ReturnsSignatureExpired()
    {
        await fixture.Control.SendAsync(HttpMethod.Put, "clock", """{"offsetSeconds":3600}""");
        AwsCli.Outcome outcome;
        try
        {
            outcome = await Aws.StsAsync(World.DemoUser, "get-caller-identity");
        }
        finally
        {
            await fixture.Control.SendAsync(HttpMethod.Put, "clock", """{"offsetSeconds":0}""");
        }

        Assert.True(outcome.ExitCode == ServiceError, outcome.Raw);
        Assert.Equal("SignatureDoesNotMatch", outcome.ErrorCode);
        var match = SkewMessage().Match(outcome.ErrorMessage ?? string.Empty);
        Assert.True(match.Success, outcome.ErrorMessage);
        DateTimeOffset Parse(string name) => DateTimeOffset.ParseExact(match.Groups[name].Value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.Equal(Parse("now") - TimeSpan.FromMinutes(15), Parse("limit"));
        Assert.True(Parse("now") - Parse("signed") > TimeSpan.FromMinutes(55));
    }

    [Fact]
    public async Task GetCallerIdentity_ScriptedThrottling_ReturnsRateExceeded()
    {
        await fixture.Control.SendAsync(HttpMethod.Post, "faults", """{"operation":"GetCallerIdentity","count":1,"fault":{"kind":"throttling"}}""");

        var throttled = await Aws.StsAsync(World.DemoUser, "get-caller-identity");
        var next = await Aws.StsAsync(World.DemoUser, "get-caller-identity");

        AssertFailed(throttled, "Throttling", "Rate exceeded");
        AssertSucceeded(next);
    }

    [Fact]
    public async Task GetCallerIdentity_SessionExpiredThroughControlApi_ReturnsExpiredToken()
    {
        var hub = await AssumeHubAsync("conf-expire");
        await fixture.Control.SendAsync(HttpMethod.Post, $"sessions/{hub.AccessKeyId}/expire");

        var outcome = await Aws.StsAsync(hub, "get-caller-identity");

        AssertFailed(outcome, "ExpiredToken", "The security token included in the request is expired");
    }

    [Fact]
    public async Task PresignedGetCallerIdentity_BotocoreWithClusterHeader_ProvesTheIdentity()
    {
        var hub = await AssumeHubAsync("conf-eks");
        var url = await PresignAsync(hub, expiresIn: 60);

        using var valid = await ControlApi.GetAsync(url, new Dictionary<string, string> { ["x-k8s-aws-id"] = "my-cluster" });
        using var wrongCluster = await ControlApi.GetAsync(url, new Dictionary<string, string> { ["x-k8s-aws-id"] = "other-cluster" });

        Assert.Contains("X-Amz-Security-Token=", url.Query, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Contains("<Arn>arn:aws:sts::111122223333:assumed-role/hub/conf-eks</Arn>", await valid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, wrongCluster.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await wrongCluster.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_ThroughControlApi_RedactsMfaCode()
    {
        await Aws.StsAsync(World.DemoUser, "assume-role", "--role-arn", World.MfaRoleArn, "--role-session-name", "conf-journal",
            "--serial-number", World.MfaSerialNumber, "--token-code", World.MfaFixedCode);

        var journal = await fixture.Control.SendAsync(HttpMethod.Get, "journal?operation=AssumeRole");

        var entry = journal.GetProperty("entries").EnumerateArray().Last(e => e.GetProperty("parameters").GetProperty("RoleSessionName").GetString() == "conf-journal");
        Assert.Equal("***", entry.GetProperty("parameters").GetProperty("TokenCode").GetString());
        Assert.DoesNotContain(World.MfaFixedCode, journal.GetRawText(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^Signature expired: (?<signed>\d{8}T\d{6}Z) is now earlier than (?<limit>\d{8}T\d{6}Z) \((?<now>\d{8}T\d{6}Z) - 15 min\.\)$")]
    private static partial Regex SkewMessage();
}
