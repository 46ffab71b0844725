using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Journal;

public sealed class JournalTests
{
    [Fact]
    public async Task Snapshot_AssumeRole_RecordsCallerOutcomeAndIssuedKey()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);

        var response = await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app" });

        var entry = Assert.Single(server.Journal.Snapshot());
        Assert.Equal("AssumeRole", entry.Operation);
        Assert.Equal(LocalStsDemo.AccessKeyId, entry.CallerAccessKeyId);
        Assert.Equal(LocalStsDemo.UserArn, entry.CallerArn);
        Assert.True(entry.Succeeded);
        Assert.Equal(200, entry.StatusCode);
        Assert.Equal(response.Credentials.AccessKeyId, entry.IssuedAccessKeyId);
        Assert.Equal(time.GetUtcNow(), entry.Timestamp);
        Assert.Equal(LocalStsDemo.HubRoleArn, entry.Parameters["RoleArn"]);
    }

    [Fact]
    public async Task Snapshot_SecretParameters_Redacted()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var anonymous = Sts.Client(server, new AnonymousAWSCredentials());
        using var client = Sts.Client(server);
        var token = LocalStsTokens.MintWebIdentityToken(LocalStsDemo.OidcIssuer, LocalStsDemo.OidcSigningKey, "subject-1", LocalStsDemo.OidcAudience, time.GetUtcNow().AddHours(1));
        var assertion = LocalStsTokens.MintSamlAssertion(LocalStsDemo.SamlIssuer, LocalStsDemo.SamlRoleArn, LocalStsDemo.SamlProviderArn, "alice", time.GetUtcNow().AddHours(1));

        await anonymous.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest { RoleArn = LocalStsDemo.WebIdentityRoleArn, RoleSessionName = "pod", WebIdentityToken = token });
        await anonymous.AssumeRoleWithSAMLAsync(new AssumeRoleWithSAMLRequest { RoleArn = LocalStsDemo.SamlRoleArn, PrincipalArn = LocalStsDemo.SamlProviderArn, SAMLAssertion = assertion });
        await client.GetSessionTokenAsync(new GetSessionTokenRequest { SerialNumber = LocalStsDemo.MfaSerialNumber, TokenCode = LocalStsDemo.MfaFixedCode });

        var entries = server.Journal.Snapshot();
        Assert.Equal(LocalStsJournal.RedactedValue, entries[0].Parameters["WebIdentityToken"]);
        Assert.Equal(LocalStsJournal.RedactedValue, entries[1].Parameters["SAMLAssertion"]);
        Assert.Equal(LocalStsJournal.RedactedValue, entries[2].Parameters["TokenCode"]);
        Assert.DoesNotContain(entries.SelectMany(e => e.Parameters.Values), v => v == token || v == assertion || v == LocalStsDemo.MfaFixedCode);
        Assert.All(entries, e => Assert.True(e.Succeeded));
        Assert.Null(entries[0].CallerAccessKeyId);
    }

    [Fact]
    public async Task Snapshot_Failure_RecordsErrorCode()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);

        await Assert.ThrowsAnyAsync<Exception>(() => client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.ReportsRoleArn, RoleSessionName = "app" }));

        var entry = Assert.Single(server.Journal.Snapshot());
        Assert.Equal("AccessDenied", entry.Outcome);
        Assert.Equal(403, entry.StatusCode);
        Assert.False(entry.Succeeded);
        Assert.Null(entry.IssuedAccessKeyId);
    }

    [Fact]
    public async Task Clear_AfterRequests_EmptiesJournal()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        server.Journal.Clear();

        Assert.Empty(server.Journal.Snapshot());
        Assert.Equal(0, server.Journal.Count("GetCallerIdentity"));
    }

    [Fact]
    public async Task Snapshot_MoreRequestsThanCapacity_KeepsTheNewestInOrder()
    {
        var (server, _) = await Sts.StartDemoAsync(o => o.JournalCapacity = 3);
        await using var _ = server;
        using var client = Sts.Client(server);
        for (var i = 0; i < 5; i++)
        {
            await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "s" + i });
        }

        var names = server.Journal.Snapshot().Select(e => e.Parameters["RoleSessionName"]).ToList();

        Assert.Equal(["s2", "s3", "s4"], names);
        Assert.Equal(3, server.Journal.Capacity);
        Assert.Equal(2, server.Journal.DroppedCount);
        Assert.Equal(3, server.Journal.Count());
    }

    [Fact]
    public void Constructor_JournalCapacityZero_ThrowsNamingTheSetting()
    {
        var options = LocalStsOptions.CreateDemo();
        options.JournalCapacity = 0;

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LocalStsServer(options));

        Assert.Equal(nameof(LocalStsOptions.JournalCapacity), ex.ParamName);
    }
}
