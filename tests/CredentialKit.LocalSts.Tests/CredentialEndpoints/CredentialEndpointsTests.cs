using System.Net;
using System.Text.Json;
using CredentialKit.Testing;

namespace CredentialKit.LocalSts.Tests.CredentialEndpoints;

/// <summary>The container-credentials endpoint and IMDS that LocalSts serves, on the wire.</summary>
public sealed class CredentialEndpointsTests : IAsyncLifetime
{
    private const string RoleArn = "arn:aws:iam::111122223333:role/hub";
    private const string CredentialsPath = "latest/meta-data/iam/security-credentials/";
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private LocalStsServer _server = null!;

    public async Task InitializeAsync()
    {
        var options = LocalStsOptions.CreateDemo();
        options.MaxRequestSkew = null;
        _server = await LocalStsServer.StartNewAsync(options, _time);
        _server.CredentialEndpoints.ContainerRoleArn = RoleArn;
        _server.CredentialEndpoints.ContainerAuthorizationToken = "secret-token";
        _server.CredentialEndpoints.InstanceRoleArn = RoleArn;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, new Uri(_server.Endpoint, path));
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<(HttpStatusCode Status, string Body)> ContainerAsync(string? token = "secret-token") =>
        token is null
            ? SendAsync(HttpMethod.Get, LocalStsCredentialEndpoints.ContainerPath.TrimStart('/'))
            : SendAsync(HttpMethod.Get, LocalStsCredentialEndpoints.ContainerPath.TrimStart('/'), ("Authorization", token));

    private async Task<string> TokenAsync()
    {
        var (status, body) = await SendAsync(HttpMethod.Put, "latest/api/token", ("X-aws-ec2-metadata-token-ttl-seconds", "60"));
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    [Fact]
    public async Task Container_RightToken_ServesTheSameSessionUntilRotation()
    {
        var (status, body) = await ContainerAsync();
        var first = JsonDocument.Parse(body).RootElement;
        var again = JsonDocument.Parse((await ContainerAsync()).Body).RootElement;
        _time.Advance(TimeSpan.FromHours(6) - TimeSpan.FromMinutes(89));
        var rotated = JsonDocument.Parse((await ContainerAsync()).Body).RootElement;

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(RoleArn, first.GetProperty("RoleArn").GetString());
        Assert.Equal("2026-11-23T18:00:00Z", first.GetProperty("Expiration").GetString());
        Assert.Equal(first.GetProperty("AccessKeyId").GetString(), again.GetProperty("AccessKeyId").GetString());
        Assert.NotEqual(first.GetProperty("AccessKeyId").GetString(), rotated.GetProperty("AccessKeyId").GetString());
        Assert.NotNull(_server.GetSession(first.GetProperty("AccessKeyId").GetString()!));
        Assert.Equal(3, _server.Journal.Snapshot().Count(e => e.Operation == LocalStsCredentialEndpoints.ContainerOperation && e.Succeeded));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task Container_MissingOrWrongToken_Is401(string? token) =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await ContainerAsync(token)).Status);

    [Fact]
    public async Task Container_NoRoleConfigured_Is404()
    {
        _server.CredentialEndpoints.ContainerRoleArn = null;

        Assert.Equal(HttpStatusCode.NotFound, (await ContainerAsync()).Status);
    }

    [Fact]
    public async Task Container_ScriptedFault_AnswersItsStatus()
    {
        _server.Faults.Enqueue(LocalStsFault.ServiceUnavailable(), LocalStsCredentialEndpoints.ContainerOperation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ContainerAsync()).Status);
        Assert.Equal(HttpStatusCode.OK, (await ContainerAsync()).Status);
    }

    [Fact]
    public async Task Imds_TokenThenRoleThenCredentials()
    {
        var token = await TokenAsync();
        var role = await SendAsync(HttpMethod.Get, CredentialsPath, ("X-aws-ec2-metadata-token", token));
        var credentials = await SendAsync(HttpMethod.Get, CredentialsPath + "hub", ("X-aws-ec2-metadata-token", token));

        Assert.Equal((HttpStatusCode.OK, "hub"), role);
        var json = JsonDocument.Parse(credentials.Body).RootElement;
        Assert.Equal(("Success", "AWS-HMAC"), (json.GetProperty("Code").GetString(), json.GetProperty("Type").GetString()));
        Assert.StartsWith("ASIA", json.GetProperty("AccessKeyId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Imds_TokenRules_TtlRequired_ForwardedRefused_ExpiredRejected_V1OnlyWhenAllowed()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Put, "latest/api/token")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Put, "latest/api/token",
            ("X-aws-ec2-metadata-token-ttl-seconds", "60"), ("X-Forwarded-For", "10.0.0.1"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, CredentialsPath)).Status);

        var token = await TokenAsync();
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, CredentialsPath, ("X-aws-ec2-metadata-token", token))).Status);

        _server.CredentialEndpoints.InstanceRequiresToken = false;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, CredentialsPath)).Status);
    }

    [Fact]
    public async Task Imds_UnknownRoleName_Is404()
    {
        var token = await TokenAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, CredentialsPath + "other", ("X-aws-ec2-metadata-token", token))).Status);
    }
}
