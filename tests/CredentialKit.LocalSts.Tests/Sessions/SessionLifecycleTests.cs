using System.Net;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Sessions;

/// <summary>Issued sessions leave memory once expired, yet requests signed with them still get ExpiredToken.</summary>
public sealed class SessionLifecycleTests
{
    [Fact]
    public async Task AssumeRole_AfterEarlierSessionsExpired_DropsThem()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        for (var i = 0; i < 5; i++)
        {
            await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "old" + i, DurationSeconds = 900 });
        }

        time.Advance(TimeSpan.FromMinutes(16));
        var fresh = await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "fresh", DurationSeconds = 900 });

        var held = Assert.Single(server.GetSessions());
        Assert.Equal(fresh.Credentials.AccessKeyId, held.AccessKeyId);
    }

    [Fact]
    public async Task GetCallerIdentity_WithDroppedExpiredSession_ReturnsExpiredToken()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        var old = await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "old", DurationSeconds = 900 });
        time.Advance(TimeSpan.FromMinutes(16));
        await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "fresh" });
        Assert.Null(server.GetSession(old.Credentials.AccessKeyId));
        using var expired = Sts.Client(server, Sts.AsCredentials(old.Credentials));

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => expired.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("ExpiredToken", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
    }

    [Fact]
    public async Task GetCallerIdentity_ForgedTokenForUnknownKey_ReturnsInvalidClientTokenId()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var forged = Sts.Client(server, new Amazon.Runtime.SessionAWSCredentials("ASIAFORGEDFORGED0001", "secret", "IQoJb3JpZ2luX2VjE" + new string('A', 120)));

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => forged.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("InvalidClientTokenId", ex.ErrorCode);
    }

    [Fact]
    public async Task ExpireSession_LiveSession_NextRequestGetsExpiredToken()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        var hub = await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app" });
        using var session = Sts.Client(server, Sts.AsCredentials(hub.Credentials));
        await session.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.True(server.ExpireSession(hub.Credentials.AccessKeyId));
        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => session.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("ExpiredToken", ex.ErrorCode);
        Assert.False(server.ExpireSession("ASIAUNKNOWN000000001"));
    }

    [Fact]
    public async Task Reset_ClearsSessionsJournalFaultsAndClockOffset()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app" });
        server.Faults.Enqueue(LocalStsFault.Throttling(), "AssumeRole");
        server.ClockOffset = TimeSpan.FromHours(1);

        server.Reset();

        Assert.Empty(server.GetSessions());
        Assert.Equal(0, server.Journal.Count());
        Assert.Equal(0, server.Faults.PendingCount("AssumeRole"));
        Assert.Equal(TimeSpan.Zero, server.ClockOffset);
    }
}
