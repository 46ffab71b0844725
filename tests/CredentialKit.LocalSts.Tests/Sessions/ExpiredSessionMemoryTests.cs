using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Sessions;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Sessions;

/// <summary>Credentials of a session that has ended keep getting ExpiredToken (the code that makes an SDK refresh) after the
/// once-a-minute cleanup has dropped the session, however it ended.</summary>
public sealed class ExpiredSessionMemoryTests
{
    private static async Task<Amazon.SecurityToken.Model.Credentials> AssumeAsync(AmazonSecurityTokenServiceClient client, string name) =>
        (await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = name })).Credentials;

    private static async Task<string> CallerErrorAsync(LocalStsServer server, Amazon.SecurityToken.Model.Credentials credentials)
    {
        using var client = Sts.Client(server, Sts.AsCredentials(credentials));
        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        return ex.ErrorCode;
    }

    [Fact]
    public async Task GetCallerIdentity_SessionExpiredEarlyThenDropped_ReturnsExpiredToken()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        var ended = await AssumeAsync(client, "ended");
        Assert.True(server.ExpireSession(ended.AccessKeyId));

        time.Advance(TimeSpan.FromMinutes(2));
        await AssumeAsync(client, "next"); // the issue path runs the cleanup

        Assert.Null(server.GetSession(ended.AccessKeyId));
        Assert.Equal("ExpiredToken", await CallerErrorAsync(server, ended));
    }

    [Fact]
    public async Task GetCallerIdentity_DroppedWhileClockRanAheadThenSetBack_ReturnsExpiredToken()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        var old = await AssumeAsync(client, "old");

        server.ClockOffset = TimeSpan.FromHours(2);
        await AssumeAsync(client, "later");
        server.ClockOffset = TimeSpan.Zero;

        Assert.Null(server.GetSession(old.AccessKeyId));
        Assert.Equal("ExpiredToken", await CallerErrorAsync(server, old));
    }

    [Fact]
    public async Task GetCallerIdentity_ExpiredThenDroppedWithAnotherSessionsToken_ReturnsInvalidClientTokenId()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        var ended = await AssumeAsync(client, "ended");
        var other = await AssumeAsync(client, "other");
        server.ExpireSession(ended.AccessKeyId);
        time.Advance(TimeSpan.FromMinutes(2));
        await AssumeAsync(client, "next");

        // The dropped key with a token that is not its own proves nothing about the session: it is not ours.
        var forged = new Amazon.SecurityToken.Model.Credentials { AccessKeyId = ended.AccessKeyId, SecretAccessKey = ended.SecretAccessKey, SessionToken = other.SessionToken };

        Assert.Equal("InvalidClientTokenId", await CallerErrorAsync(server, forged));
    }

    [Fact]
    public void EndedSessions_BeyondCapacity_ForgetsOldestFirst()
    {
        var ended = new EndedSessions(capacity: 3);

        foreach (var id in new[] { "A", "B", "C", "B", "D" })
        {
            ended.Add(id);
        }

        Assert.Equal(3, ended.Count);
        Assert.False(ended.Contains("A"));
        Assert.True(ended.Contains("B") && ended.Contains("C") && ended.Contains("D"));
    }
}
