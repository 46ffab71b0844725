using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;

namespace CredentialKit.LocalSts.Tests.Hosting;

/// <summary>The Date response header tells the server's clock, offset included: the SDK corrects its clock from it.</summary>
public sealed class ServerClockHeaderTests
{
    [Fact]
    public async Task Response_WithClockOffset_DateHeaderIsTheServerClock()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        server.ClockOffset = TimeSpan.FromHours(3);

        using var sts = await RawSts.PostAsync(server, RawSts.GetCallerIdentityQuery, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey);
        using var control = await RawSts.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(server.Endpoint, "/_localsts/health")));

        var expected = time.GetUtcNow() + TimeSpan.FromHours(3);
        foreach (var response in new[] { sts, control })
        {
            var date = response.Headers.Date ?? throw new InvalidOperationException("no Date header");
            Assert.InRange(date, expected.AddSeconds(-1), expected.AddSeconds(1));
        }
    }

    [Fact]
    public async Task GetCallerIdentity_ServerClock20MinutesAhead_SdkCorrectsFromDateHeaderAndSucceeds()
    {
        // The wall clock, as the SDK signs with it; the server runs 20 minutes ahead, past the 15-minute skew limit.
        await using var server = await LocalStsServer.StartNewAsync(LocalStsOptions.CreateDemo());
        server.ClockOffset = TimeSpan.FromMinutes(20);

        // The SDK keeps its clock correction per endpoint URL for the whole process; "localhost" keeps it away from the
        // 127.0.0.1 endpoints of every other test.
        var config = new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = $"http://localhost:{server.Endpoint.Port}/", AuthenticationRegion = "us-east-1", MaxErrorRetry = 2,
        };
        using var client = new AmazonSecurityTokenServiceClient(Sts.DemoUser, config);

        var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(LocalStsDemo.UserArn, identity.Arn);
        var journal = server.Journal.Snapshot();
        Assert.Equal("SignatureDoesNotMatch", journal[0].Outcome);
        Assert.Equal(LocalStsJournal.SuccessOutcome, journal[^1].Outcome);
    }

    [Fact]
    public async Task Endpoint_ListeningOnAllAddresses_NamesLoopbackThatClientsCanUse()
    {
        await using var server = await LocalStsServer.StartNewAsync(new LocalStsOptions
        {
            Accounts = LocalStsOptions.CreateDemo().Accounts, ListenAddress = "0.0.0.0",
        });
        using var client = Sts.Client(server);

        var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal("127.0.0.1", server.Endpoint.Host);
        Assert.NotEqual(0, server.Endpoint.Port);
        Assert.Equal(LocalStsDemo.UserArn, identity.Arn);
    }
}
