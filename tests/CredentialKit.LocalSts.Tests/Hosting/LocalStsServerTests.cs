using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Hosting;

public sealed class LocalStsServerTests
{
    [Fact]
    public async Task StartAsync_PortZero_BindsLoopbackFreePort()
    {
        await using var a = await LocalStsServer.StartNewAsync(LocalStsOptions.CreateDemo());
        await using var b = await LocalStsServer.StartNewAsync(LocalStsOptions.CreateDemo());

        Assert.Equal("127.0.0.1", a.Endpoint.Host);
        Assert.NotEqual(a.Endpoint.Port, b.Endpoint.Port);
        Assert.EndsWith("/", a.Endpoint.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_NotStarted_Throws() =>
        Assert.Throws<InvalidOperationException>(() => new LocalStsServer(LocalStsOptions.CreateDemo()).Endpoint);

    [Fact]
    public void Constructor_BadAccountId_Throws()
    {
        var options = new LocalStsOptions();
        options.AddAccount("123");

        Assert.Throws<ArgumentException>(() => new LocalStsServer(options));
    }

    [Fact]
    public async Task FromJson_ConfiguredModel_ServesIt()
    {
        const string json = """
            {
              "sessionLifetimeOverride": "00:00:20",
              "maxRequestSkew": null,
              "accounts": [
                {
                  "accountId": "999988887777",
                  "users": [ { "userName": "ci", "accessKeyId": "AKIACIUSER0000000001", "secretAccessKey": "ci-secret" } ],
                  "roles": [ { "roleName": "deploy", "trustedPrincipals": [ "arn:aws:iam::999988887777:root" ], "maxSessionDuration": "02:00:00" } ]
                }
              ]
            }
            """;
        var time = new CredentialKit.Testing.ManualTimeProvider();
        await using var server = await LocalStsServer.StartNewAsync(LocalStsOptions.FromJson(json), time);
        using var client = Sts.Client(server, new Amazon.Runtime.BasicAWSCredentials("AKIACIUSER0000000001", "ci-secret"));

        var response = await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "arn:aws:iam::999988887777:role/deploy", RoleSessionName = "ci", DurationSeconds = 7200 });

        Assert.Equal("arn:aws:sts::999988887777:assumed-role/deploy/ci", response.AssumedRoleUser.Arn);
        Assert.Equal(time.GetUtcNow().AddSeconds(20), server.GetSession(response.Credentials.AccessKeyId)!.Expiration);
    }

    [Fact]
    public void FromJson_UnknownProperty_Throws() =>
        Assert.Throws<InvalidOperationException>(() => LocalStsOptions.FromJson("""{ "acounts": [] }"""));

    [Fact]
    public async Task DisposeAsync_WithHangingRequest_Completes()
    {
        var server = await LocalStsServer.StartNewAsync(LocalStsOptions.CreateDemo());
        server.Faults.Enqueue(LocalStsFault.Hang());
        using var client = Sts.Client(server);
        var call = client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        await server.DisposeAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => call);
    }
}
