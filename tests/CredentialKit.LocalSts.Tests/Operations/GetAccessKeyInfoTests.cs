using System.Net;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Sessions;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Operations;

/// <summary>GetAccessKeyInfo through the real SDK: the account of a world key, of a session key (even once dropped) and of any
/// key in AWS's format.</summary>
public sealed class GetAccessKeyInfoTests
{
    private static async Task<string> AccountOfAsync(LocalStsServer server, string accessKeyId)
    {
        using var client = Sts.Client(server);
        return (await client.GetAccessKeyInfoAsync(new GetAccessKeyInfoRequest { AccessKeyId = accessKeyId })).Account;
    }

    [Fact]
    public async Task GetAccessKeyInfo_WorldUserKey_ReturnsItsAccount()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        Assert.Equal(LocalStsDemo.AccountId, await AccountOfAsync(server, LocalStsDemo.AccessKeyId));
    }

    [Fact]
    public async Task GetAccessKeyInfo_SessionKeyOfAnotherAccount_ReturnsTheRolesAccountEvenAfterItIsDropped()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);
        var hub = (await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "hub" })).Credentials;
        using var hubClient = Sts.Client(server, Sts.AsCredentials(hub));
        var reports = (await hubClient.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "reports", ExternalId = LocalStsDemo.ReportsExternalId, DurationSeconds = 900,
        })).Credentials;

        var whileHeld = await AccountOfAsync(server, reports.AccessKeyId);
        time.Advance(TimeSpan.FromHours(2));
        await client.GetSessionTokenAsync(new GetSessionTokenRequest()); // the cleanup drops both sessions
        Assert.Null(server.GetSession(reports.AccessKeyId));

        Assert.Equal(LocalStsDemo.ReportsAccountId, whileHeld);
        Assert.Equal(LocalStsDemo.ReportsAccountId, await AccountOfAsync(server, reports.AccessKeyId));
    }

    [Fact]
    public async Task GetAccessKeyInfo_AwsFormatKeyLocalStsNeverSaw_ReturnsTheEncodedAccount()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        var key = AccessKeyIdFormat.NewTemporary("123456789012");

        Assert.Equal("123456789012", await AccountOfAsync(server, key));
    }

    [Fact]
    public async Task GetAccessKeyInfo_KeyInNoKnownFormat_ReturnsInvalidParameterValue()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(
            () => client.GetAccessKeyInfoAsync(new GetAccessKeyInfoRequest { AccessKeyId = "AKIA0000000000000001" }));

        Assert.Equal("InvalidParameterValue", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
    }

    [Fact]
    public async Task GetAccessKeyInfo_MissingOrShortKey_ReturnsValidationError()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;
        using var client = Sts.Client(server);

        var missing = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetAccessKeyInfoAsync(new GetAccessKeyInfoRequest()));
        var tooShort = string.Concat("AKIA", "SHORT"); // not a constant: the SDK's analyzer refuses a short literal at build time
        var shortKey = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(
            () => client.GetAccessKeyInfoAsync(new GetAccessKeyInfoRequest { AccessKeyId = tooShort }));

        Assert.Equal("ValidationError", missing.ErrorCode);
        Assert.Equal("1 validation error detected: Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null", missing.Message);
        Assert.Equal("1 validation error detected: Value 'AKIASHORT' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16", shortKey.Message);
    }

    [Fact]
    public async Task GetAccessKeyInfo_Unsigned_ReturnsMissingAuthenticationToken()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var __ = server;

        using var response = await RawSts.PostAsync(server, "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=" + LocalStsDemo.AccessKeyId);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>MissingAuthenticationToken</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("000000000001")]
    [InlineData("111122223333")]
    [InlineData("999999999999")]
    public void AccessKeyIdFormat_NewTemporary_RoundTripsTheAccount(string accountId)
    {
        for (var i = 0; i < 50; i++)
        {
            var key = AccessKeyIdFormat.NewTemporary(accountId);

            Assert.Matches("^ASIA[A-Z2-7]{16}$", key);
            Assert.Equal(accountId, AccessKeyIdFormat.TryReadAccount(key));
        }
    }

    [Fact]
    public void AccessKeyIdFormat_PublishedExampleKey_DecodesToItsAccount() =>
        // The example of the widely published key-id decoding (Tal Be'ery, "A short note on AWS KEY ID").
        Assert.Equal("609629065308", AccessKeyIdFormat.TryReadAccount("ASIAY34FZKBOKMUTVV7A"));
}
