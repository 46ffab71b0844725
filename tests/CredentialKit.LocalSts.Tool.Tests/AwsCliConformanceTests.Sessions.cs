using System.Text.Json;
using CredentialKit.LocalSts.Tool.Tests.Helpers;

namespace CredentialKit.LocalSts.Tool.Tests;

/// <summary>Expired sessions after the cleanup, GetAccessKeyInfo and DecodeAuthorizationMessage, through awscli.</summary>
public sealed partial class AwsCliConformanceTests
{
    [Fact]
    public async Task GetCallerIdentity_ExpiredSessionAfterCleanup_StillReturnsExpiredToken()
    {
        var ended = await AssumeHubAsync("conf-ended");
        await fixture.Control.SendAsync(HttpMethod.Post, $"sessions/{ended.AccessKeyId}/expire");
        try
        {
            // Five minutes on, the next issue runs the once-a-minute cleanup, which drops the expired session.
            await fixture.Control.SendAsync(HttpMethod.Put, "clock", """{"offsetSeconds":300}""");
            await AssumeHubAsync("conf-after-cleanup");
        }
        finally
        {
            await fixture.Control.SendAsync(HttpMethod.Put, "clock", """{"offsetSeconds":0}""");
        }

        var held = (await fixture.Control.GetSessionsAsync()).EnumerateArray().Select(s => s.GetProperty("accessKeyId").GetString());
        Assert.DoesNotContain(ended.AccessKeyId, held);

        var outcome = await Aws.StsAsync(ended, "get-caller-identity");

        AssertFailed(outcome, "ExpiredToken", "The security token included in the request is expired");
    }

    [Fact]
    public async Task GetAccessKeyInfo_UserAndSessionKeys_NameTheirAccounts()
    {
        var hub = await AssumeHubAsync("conf-keyinfo");
        var reports = await Aws.StsAsync(hub, "assume-role", "--role-arn", World.ReportsRoleArn, "--role-session-name", "conf-keyinfo",
            "--external-id", World.ReportsExternalId);
        AssertSucceeded(reports);

        var user = await Aws.StsAsync(World.DemoUser, "get-access-key-info", "--access-key-id", World.DemoUser.AccessKeyId);
        var session = await Aws.StsAsync(World.DemoUser, "get-access-key-info", "--access-key-id", ConformanceFixture.KeysOf(reports.Json!.Value).AccessKeyId);

        AssertSucceeded(user);
        AssertSucceeded(session);
        Assert.Equal(World.AccountId, user.Json!.Value.GetProperty("Account").GetString());
        Assert.Equal("444455556666", session.Json!.Value.GetProperty("Account").GetString());
    }

    [Fact]
    public async Task DecodeAuthorizationMessage_NotAnEncodedMessage_ReturnsInvalidAuthorizationMessage()
    {
        var outcome = await Aws.StsAsync(World.DemoUser, "decode-authorization-message", "--encoded-message", "not-a-message");

        Assert.True(outcome.ExitCode == ServiceError && outcome.ErrorCode == "InvalidAuthorizationMessageException", outcome.Raw);
    }

    [Fact]
    public async Task DecodeAuthorizationMessage_FromOwnAccessDenied_DecodesTheRequestContext()
    {
        // A world whose AccessDenied answers carry encoded messages: the example world with the switch on.
        var world = Path.Combine(Directory.CreateTempSubdirectory("localsts-world-").FullName, "world.jsonc");
        var text = await File.ReadAllTextAsync(Repository.ExampleWorld);
        await File.WriteAllTextAsync(world, text.Replace("\"encodeAuthorizationMessages\": false", "\"encodeAuthorizationMessages\": true", StringComparison.Ordinal));
        await using var tool = await LocalStsProcess.StartAsync("--port", "0", "--config", world);
        var aws = new AwsCli(tool.Endpoint);
        const string Denied = $"User: {World.UserArn} is not authorized to perform: sts:AssumeRole on resource: {World.ReportsRoleArn}";
        const string Separator = ". Encoded authorization failure message: ";

        var denied = await aws.StsAsync(World.DemoUser, "assume-role", "--role-arn", World.ReportsRoleArn, "--role-session-name", "conf-denied");
        Assert.True(denied.ErrorCode == "AccessDenied" && denied.ErrorMessage!.StartsWith(Denied + Separator, StringComparison.Ordinal), denied.Raw);
        var decoded = await aws.StsAsync(World.DemoUser, "decode-authorization-message", "--encoded-message", denied.ErrorMessage[(Denied + Separator).Length..]);

        AssertSucceeded(decoded);
        using var message = JsonDocument.Parse(decoded.Json!.Value.GetProperty("DecodedMessage").GetString()!);
        Assert.False(message.RootElement.GetProperty("allowed").GetBoolean());
        var context = message.RootElement.GetProperty("context");
        Assert.Equal("sts:AssumeRole", context.GetProperty("action").GetString());
        Assert.Equal(World.ReportsRoleArn, context.GetProperty("resource").GetString());
        Assert.Equal(World.UserArn, context.GetProperty("principal").GetProperty("arn").GetString());
    }
}
