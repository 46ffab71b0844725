using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Control;
using CredentialKit.LocalSts.Tests.Helpers;
using Microsoft.AspNetCore.Http;

namespace CredentialKit.LocalSts.Tests.Control;

/// <summary>The HTTP control API drives the same faults, clock, sessions and journal as the in-process API.</summary>
public sealed class ControlApiTests
{
    private static readonly HttpClient Http = new();

    private static Uri Control(LocalStsServer server, string path) => new(server.Endpoint, "/_localsts/" + path);

    private static Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, Uri url, string json) =>
        Http.SendAsync(new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") });

    [Fact]
    public async Task Health_Started_ReportsReadyAndEndpoint()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var doc = JsonDocument.Parse(await Http.GetStringAsync(Control(server, "health")));

        Assert.Equal("ready", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal(server.Endpoint.ToString(), doc.RootElement.GetProperty("endpoint").GetString());
    }

    [Fact]
    public async Task PostFaults_Throttling_NextCallsAreThrottledThenServed()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);

        using var posted = await SendJsonAsync(HttpMethod.Post, Control(server, "faults"), """{"operation":"GetCallerIdentity","count":2,"fault":{"kind":"throttling"}}""");
        var first = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        var third = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
        Assert.Equal("Throttling", first.ErrorCode);
        Assert.Equal("Rate exceeded", first.Message);
        Assert.Equal(LocalStsDemo.UserArn, third.Arn);
    }

    [Fact]
    public async Task PostFaults_CustomError_AnswersItThenDeleteClearsTheRest()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);

        await SendJsonAsync(HttpMethod.Post, Control(server, "faults"), """{"count":3,"fault":{"kind":"error","code":"RegionDisabledException","message":"STS is not activated in this region.","statusCode":403}}""");
        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        using var cleared = await Http.DeleteAsync(Control(server, "faults"));

        Assert.Equal("RegionDisabledException", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal(0, server.Faults.PendingCount());
    }

    [Fact]
    public async Task PutOutage_ThenDelete_FailsUntilEnded()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);

        await SendJsonAsync(HttpMethod.Put, Control(server, "outage"), "{}");
        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        await Http.DeleteAsync(Control(server, "outage"));
        var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal("ServiceUnavailable", ex.ErrorCode);
        Assert.Equal(LocalStsDemo.UserArn, identity.Arn);
    }

    [Fact]
    public async Task PutRateLimit_BurstOne_SecondCallThrottled()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);

        await SendJsonAsync(HttpMethod.Put, Control(server, "rate-limit"), """{"requestsPerSecond":0.001,"burst":1}""");
        await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        await Http.DeleteAsync(Control(server, "rate-limit"));
        await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal("Throttling", ex.ErrorCode);
    }

    [Fact]
    public async Task PutClock_Offset_MovesServerTime()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var response = await SendJsonAsync(HttpMethod.Put, Control(server, "clock"), """{"offsetSeconds":3600}""");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(TimeSpan.FromHours(1), server.ClockOffset);
        Assert.Equal(time.GetUtcNow().AddHours(1), server.Now);
        Assert.Equal(3600, doc.RootElement.GetProperty("offsetSeconds").GetDouble());
    }

    [Fact]
    public async Task GetSessions_ListsSessionsWithoutSecrets_AndExpireMakesOneExpired()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        var hub = await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "app" });

        var listed = await Http.GetStringAsync(Control(server, "sessions"));
        using var expired = await Http.PostAsync(Control(server, $"sessions/{hub.Credentials.AccessKeyId}/expire"), null);
        using var unknown = await Http.PostAsync(Control(server, "sessions/ASIANOSUCHSESSION001/expire"), null);
        using var session = Sts.Client(server, Sts.AsCredentials(hub.Credentials));
        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => session.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Contains(hub.Credentials.AccessKeyId, listed, StringComparison.Ordinal);
        Assert.Contains("arn:aws:sts::111122223333:assumed-role/hub/app", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(hub.Credentials.SecretAccessKey, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(hub.Credentials.SessionToken, listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, expired.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("ExpiredToken", ex.ErrorCode);
    }

    [Fact]
    public async Task GetJournal_FilteredAndRedacted_ThenDeleteClears()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var client = Sts.Client(server);
        await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        await client.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = LocalStsDemo.MfaRoleArn, RoleSessionName = "app", SerialNumber = LocalStsDemo.MfaSerialNumber, TokenCode = LocalStsDemo.MfaFixedCode,
        });

        using var doc = JsonDocument.Parse(await Http.GetStringAsync(Control(server, "journal?operation=AssumeRole")));
        using var deleted = await Http.DeleteAsync(Control(server, "journal"));

        var entry = Assert.Single(doc.RootElement.GetProperty("entries").EnumerateArray());
        Assert.Equal("AssumeRole", entry.GetProperty("operation").GetString());
        Assert.Equal("***", entry.GetProperty("parameters").GetProperty("TokenCode").GetString());
        Assert.Equal(10_000, doc.RootElement.GetProperty("capacity").GetInt32());
        Assert.Equal(0, server.Journal.Count());
    }

    [Fact]
    public async Task PostReset_ClearsEverything()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        server.Faults.StartOutage();
        server.ClockOffset = TimeSpan.FromMinutes(5);

        using var response = await Http.PostAsync(Control(server, "reset"), null);
        using var client = Sts.Client(server);
        var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(TimeSpan.Zero, server.ClockOffset);
        Assert.Equal(LocalStsDemo.UserArn, identity.Arn);
    }

    [Fact]
    public async Task PostWebIdentityToken_MintsTokenThatAssumeRoleWithWebIdentityAccepts()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var anonymous = Sts.Client(server, new AnonymousAWSCredentials());

        using var minted = await SendJsonAsync(HttpMethod.Post, Control(server, "tokens/web-identity"), """{"subject":"system:serviceaccount:ci:runner","principalTags":{"team":"data"}}""");
        var token = (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var response = await anonymous.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest
        {
            RoleArn = LocalStsDemo.WebIdentityRoleArn, RoleSessionName = "runner", WebIdentityToken = token,
        });

        Assert.Equal("system:serviceaccount:ci:runner", response.SubjectFromWebIdentityToken);
        Assert.Equal("data", server.GetSession(response.Credentials.AccessKeyId)!.Tags["team"]);
    }

    [Fact]
    public async Task PostSamlAssertion_MintsAssertionThatAssumeRoleWithSamlAccepts()
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;
        using var anonymous = Sts.Client(server, new AnonymousAWSCredentials());

        using var minted = await SendJsonAsync(HttpMethod.Post, Control(server, "tokens/saml"), $$"""{"roleArn":"{{LocalStsDemo.SamlRoleArn}}","roleSessionName":"alice"}""");
        var assertion = (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("assertion").GetString();
        var response = await anonymous.AssumeRoleWithSAMLAsync(new AssumeRoleWithSAMLRequest
        {
            RoleArn = LocalStsDemo.SamlRoleArn, PrincipalArn = LocalStsDemo.SamlProviderArn, SAMLAssertion = assertion,
        });

        Assert.Equal("arn:aws:sts::111122223333:assumed-role/sso/alice", response.AssumedRoleUser.Arn);
    }

    [Fact]
    public async Task GetTotp_DemoDevice_ReturnsTheCurrentCode()
    {
        var (server, time) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var doc = JsonDocument.Parse(await Http.GetStringAsync(Control(server, "tokens/totp?serialNumber=" + Uri.EscapeDataString(LocalStsDemo.MfaSerialNumber))));

        Assert.Equal(LocalStsTokens.ComputeTotp(LocalStsDemo.MfaTotpSecret, time.GetUtcNow()), doc.RootElement.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("POST", "faults", """{"fault":{"kind":"explode"}}""", HttpStatusCode.BadRequest, "Unknown fault kind 'explode'")]
    [InlineData("POST", "faults", """{"fault":{"kind":"throttling"},"count":0}""", HttpStatusCode.BadRequest, "count must be at least 1")]
    [InlineData("POST", "faults", "not json", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("PUT", "clock", """{"offsetSeconds":1,"extra":2}""", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("GET", "nowhere", "", HttpStatusCode.NotFound, "No control API route GET /_localsts/nowhere")]
    [InlineData("PUT", "rate-limit", """{"requestsPerSecond":0,"burst":1}""", HttpStatusCode.BadRequest, "requestsPerSecond must be positive")]
    public async Task BadControlRequest_AnswersErrorJson(string method, string path, string body, HttpStatusCode status, string message)
    {
        var (server, _) = await Sts.StartDemoAsync();
        await using var _ = server;

        using var response = await SendJsonAsync(new HttpMethod(method), Control(server, path), body);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, doc.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, server.Journal.Count());
    }

    [Fact]
    public async Task ControlPath_ApiDisabled_IsAnStsRequest()
    {
        var (server, _) = await Sts.StartDemoAsync(o => o.EnableControlApi = false);
        await using var _ = server;

        using var response = await Http.GetAsync(Control(server, "health"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>InvalidAction</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.2.3", false, 403)]
    [InlineData("10.1.2.3", true, 200)]
    [InlineData("127.0.0.1", false, 200)]
    [InlineData("::1", false, 200)]
    public async Task Handler_RemoteClient_NeedsTheExplicitFlag(string remoteAddress, bool allowRemote, int expectedStatus)
    {
        var (server, _) = await Sts.StartDemoAsync(o => o.AllowRemoteControlApi = allowRemote);
        await using var _ = server;
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remoteAddress);
        context.Request.Method = "GET";
        context.Request.Path = "/_localsts/health";
        context.Response.Body = new MemoryStream();

        await new ControlApiHandler(server).HandleAsync(context);

        Assert.Equal(expectedStatus, context.Response.StatusCode);
    }
}
