using System.Net;
using System.Text.Json;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Operations;

/// <summary>Encoded authorization failure messages in LocalSts's own AccessDenied answers, and DecodeAuthorizationMessage,
/// through the real SDK.</summary>
public sealed class DecodeAuthorizationMessageTests
{
    private const string Separator = ". Encoded authorization failure message: ";
    private static readonly string DeniedText =
        $"User: {LocalStsDemo.UserArn} is not authorized to perform: sts:AssumeRole on resource: {LocalStsDemo.ReportsRoleArn}";

    private static async Task<string> DeniedMessageAsync(LocalStsServer server)
    {
        using var client = Sts.Client(server);
        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.AssumeRoleAsync(
            new AssumeRoleRequest { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "app", ExternalId = LocalStsDemo.ReportsExternalId }));
        Assert.Equal("AccessDenied", ex.ErrorCode);
        return ex.Message;
    }

    private static async Task<AmazonSecurityTokenServiceException> DecodeFailsAsync(LocalStsServer server, string? encoded)
    {
        using var client = Sts.Client(server);
        return await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(
            () => client.DecodeAuthorizationMessageAsync(new DecodeAuthorizationMessageRequest { EncodedMessage = encoded }));
    }

    [Fact]
    public async Task AssumeRole_Denied_ByDefaultHasStsOwnTextOnly()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        Assert.Equal(DeniedText, await DeniedMessageAsync(server));
    }

    [Fact]
    public async Task DecodeAuthorizationMessage_MessageFromOwnAccessDenied_ReturnsTheRequestContext()
    {
        var (server, _) = await Sts.StartDemoAsync(o => o.EncodeAuthorizationMessages = true);
        await using var __ = server;
        var message = await DeniedMessageAsync(server);
        Assert.StartsWith(DeniedText + Separator, message, StringComparison.Ordinal);
        using var client = Sts.Client(server);

        var decoded = await client.DecodeAuthorizationMessageAsync(new DecodeAuthorizationMessageRequest { EncodedMessage = message[(DeniedText + Separator).Length..] });

        using var json = JsonDocument.Parse(decoded.DecodedMessage);
        var root = json.RootElement;
        Assert.False(root.GetProperty("allowed").GetBoolean());
        Assert.False(root.GetProperty("explicitDeny").GetBoolean());
        var context = root.GetProperty("context");
        Assert.Equal("sts:AssumeRole", context.GetProperty("action").GetString());
        Assert.Equal(LocalStsDemo.ReportsRoleArn, context.GetProperty("resource").GetString());
        Assert.Equal(LocalStsDemo.UserArn, context.GetProperty("principal").GetProperty("arn").GetString());
        Assert.StartsWith("AIDA", context.GetProperty("principal").GetProperty("id").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecodeAuthorizationMessage_ChangedMessage_ReturnsInvalidAuthorizationMessage()
    {
        var (server, _) = await Sts.StartDemoAsync(o => o.EncodeAuthorizationMessages = true);
        await using var __ = server;
        var encoded = (await DeniedMessageAsync(server))[(DeniedText + Separator).Length..];
        var changed = encoded[..^2] + (encoded[^2] == 'A' ? 'B' : 'A') + encoded[^1];

        var ex = await DecodeFailsAsync(server, changed);

        Assert.Equal("InvalidAuthorizationMessageException", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.IsType<InvalidAuthorizationMessageException>(ex);
    }

    [Fact]
    public async Task DecodeAuthorizationMessage_MessageOfAnotherServer_ReturnsInvalidAuthorizationMessage()
    {
        var (other, _) = await Sts.StartDemoAsync(o => o.EncodeAuthorizationMessages = true);
        string encoded;
        await using (other)
        {
            encoded = (await DeniedMessageAsync(other))[(DeniedText + Separator).Length..];
        }

        var (server, _) = await Sts.StartDemoAsync(o => o.EncodeAuthorizationMessages = true);
        await using var __ = server;

        Assert.Equal("InvalidAuthorizationMessageException", (await DecodeFailsAsync(server, encoded)).ErrorCode);
        Assert.Equal("InvalidAuthorizationMessageException", (await DecodeFailsAsync(server, "not-a-message")).ErrorCode);
    }

    [Fact]
    public async Task DecodeAuthorizationMessage_Missing_ReturnsValidationError()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        var ex = await DecodeFailsAsync(server, null);

        Assert.Equal("ValidationError", ex.ErrorCode);
        Assert.Equal("1 validation error detected: Value null at 'encodedMessage' failed to satisfy constraint: Member must not be null", ex.Message);
    }
}
