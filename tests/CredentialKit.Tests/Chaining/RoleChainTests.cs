using System.Net;
using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Logging;

namespace CredentialKit.Tests.Chaining;

public class RoleChainTests
{
    private const string ThirdArn = "arn:aws:iam::777788889999:role/third";
    private readonly ProviderFixture _fixture = new();

    [Fact]
    public async Task ThreeHopChain_EachHopIsSignedByThePreviousSession()
    {
        await using var provider = _fixture.Create(ProviderFixture.Profile(ProviderFixture.HubArn, ProviderFixture.ReportsArn, ThirdArn));

        var final = await provider.GetCredentialsAsync();

        var calls = _fixture.Sts.Calls;
        Assert.Equal([ProviderFixture.HubArn, ProviderFixture.ReportsArn, ThirdArn], calls.Select(c => c.Request.RoleArn));
        Assert.Equal(ProviderFixture.SourceAccessKeyId, calls[0].SignerAccessKeyId);
        Assert.StartsWith("ASIAHUB", calls[1].SignerAccessKeyId);
        Assert.StartsWith("ASIAREPORTS", calls[2].SignerAccessKeyId);
        Assert.StartsWith("ASIATHIRD", final.AccessKeyId);
        Assert.Equal("arn:aws:sts::777788889999:assumed-role/third/test-session", final.AssumedRoleArn);
    }

    [Fact]
    public async Task Chain_RequestCarriesEveryHopParameter()
    {
        var options = ProviderFixture.Profile(ProviderFixture.HubArn, ProviderFixture.ReportsArn);
        var hub = options.Roles[0];
        hub.Tags["team"] = "data";
        hub.Tags["cost-center"] = "42";
        hub.TransitiveTagKeys.Add("team");
        hub.SourceIdentity = "alice";
        hub.PolicyArns.Add("arn:aws:iam::aws:policy/ReadOnlyAccess");
        hub.Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""";
        options.Roles[1].ExternalId = "r-7731";
        await using var provider = _fixture.Create(options);

        await provider.GetCredentialsAsync();

        var hubRequest = _fixture.Sts.Calls[0].Request;
        Assert.Equal(3600, hubRequest.DurationSeconds);
        Assert.Equal("test-session", hubRequest.RoleSessionName);
        Assert.Equal(new Dictionary<string, string> { ["cost-center"] = "42", ["team"] = "data" }, hubRequest.Tags.ToDictionary(t => t.Key, t => t.Value));
        Assert.Equal(["team"], hubRequest.TransitiveTagKeys);
        Assert.Equal("alice", hubRequest.SourceIdentity);
        Assert.Equal("arn:aws:iam::aws:policy/ReadOnlyAccess", Assert.Single(hubRequest.PolicyArns).Arn);
        Assert.Equal(hub.Policy, hubRequest.Policy);
        Assert.Null(hubRequest.ExternalId);
        var reportsRequest = _fixture.Sts.Calls[1].Request;
        Assert.Equal("r-7731", reportsRequest.ExternalId);
        Assert.Null(reportsRequest.Tags);
        Assert.Null(reportsRequest.TransitiveTagKeys);
    }

    [Fact]
    public async Task ChainedHop_DurationAboveOneHour_IsClampedAndLoggedOnce()
    {
        var options = ProviderFixture.Profile(ProviderFixture.HubArn, ProviderFixture.ReportsArn);
        options.Roles[0].Duration = TimeSpan.FromHours(4); // first hop: not chaining, kept
        options.Roles[1].Duration = TimeSpan.FromHours(2);
        await using var provider = _fixture.Create(options);

        await provider.GetCredentialsAsync();
        provider.Invalidate();
        await provider.GetCredentialsAsync();

        Assert.Equal(4 * 3600, _fixture.Sts.Calls[0].Request.DurationSeconds);
        Assert.Equal(3600, _fixture.Sts.Calls[1].Request.DurationSeconds);
        Assert.Equal(3600, _fixture.Sts.Calls[2].Request.DurationSeconds);
        var clamp = Assert.Single(_fixture.Logs.WithEventId(4));
        Assert.Equal(LogLevel.Information, clamp.Level);
        Assert.Equal(ProviderFixture.ReportsArn, clamp["RoleArn"]);
    }

    [Fact]
    public async Task DurationAboveMaxSessionDuration_RetriesOnceWithOneHourAndWarns()
    {
        var options = ProviderFixture.Profile();
        options.Roles[0].Duration = TimeSpan.FromHours(8);
        await using var provider = _fixture.Create(options);
        _fixture.Sts.EnqueueError("ValidationError", message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");

        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal([8 * 3600, 3600], _fixture.Sts.Calls.Select(c => c.Request.DurationSeconds ?? 0));
        Assert.Equal(_fixture.Time.GetUtcNow() + TimeSpan.FromHours(1), credentials.Expiration);
        var warning = Assert.Single(_fixture.Logs.WithEventId(6));
        Assert.Equal(LogLevel.Warning, warning.Level);

        // The fallback sticks: the next refresh asks for one hour straight away.
        provider.Invalidate();
        await provider.GetCredentialsAsync();
        Assert.Equal(3600, _fixture.Sts.Calls[2].Request.DurationSeconds);
    }

    [Fact]
    public async Task OtherValidationError_IsNotRetried()
    {
        var options = ProviderFixture.Profile();
        options.Roles[0].Duration = TimeSpan.FromHours(8);
        await using var provider = _fixture.Create(options);
        _fixture.Sts.EnqueueError("ValidationError", message: "1 validation error detected: Value 'x' at 'roleArn' failed to satisfy constraint");

        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal(1, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task ParentSessionRejectedAsExpired_ParentIsRefreshedAndHopRetried()
    {
        await using var provider = _fixture.Create(ProviderFixture.Profile(ProviderFixture.HubArn, ProviderFixture.ReportsArn));
        await provider.GetCredentialsAsync();
        provider.Invalidate();
        _fixture.Sts.EnqueueError("ExpiredToken", HttpStatusCode.Forbidden, "The security token included in the request is expired");

        var credentials = await provider.GetCredentialsAsync();

        var calls = _fixture.Sts.Calls;
        Assert.Equal([ProviderFixture.HubArn, ProviderFixture.ReportsArn, ProviderFixture.ReportsArn, ProviderFixture.HubArn, ProviderFixture.ReportsArn],
            calls.Select(c => c.Request.RoleArn));
        Assert.NotEqual(calls[2].SignerAccessKeyId, calls[4].SignerAccessKeyId); // retried with the renewed hub session
        Assert.StartsWith("ASIAREPORTS", credentials.AccessKeyId);
        Assert.Single(_fixture.Logs.WithEventId(9));
    }

    [Fact]
    public async Task Mfa_CallbackIsAskedForAFreshCodeOnEveryRefresh()
    {
        var options = ProviderFixture.Profile();
        var codes = new Queue<string>(["123456", "654321"]);
        var asked = 0;
        options.Roles[0].MfaSerialNumber = "arn:aws:iam::111122223333:mfa/alice";
        options.Roles[0].MfaTokenCodeProvider = _ =>
        {
            asked++;
            return ValueTask.FromResult(codes.Dequeue());
        };
        await using var provider = _fixture.Create(options);

        await provider.GetCredentialsAsync();
        provider.Invalidate();
        await provider.GetCredentialsAsync();

        Assert.Equal(2, asked);
        Assert.Equal(["123456", "654321"], _fixture.Sts.Calls.Select(c => c.Request.TokenCode));
        Assert.All(_fixture.Sts.Calls, c => Assert.Equal("arn:aws:iam::111122223333:mfa/alice", c.Request.SerialNumber));
    }

    [Fact]
    public async Task Mfa_CallbackReturnsMalformedCode_FailsWithoutSendingOrEchoingIt()
    {
        var options = ProviderFixture.Profile();
        options.Roles[0].MfaSerialNumber = "arn:aws:iam::111122223333:mfa/alice";
        options.Roles[0].MfaTokenCodeProvider = _ => ValueTask.FromResult("12x456");
        await using var provider = _fixture.Create(options);

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("MfaTokenCodeInvalid", error.ErrorCode);
        Assert.DoesNotContain("12x456", error.Message);
        Assert.Equal(0, _fixture.Sts.CallCount);
    }

    [Fact]
    public async Task DefaultRoleSessionName_IsValidAndStableAcrossRefreshes()
    {
        var options = ProviderFixture.Profile();
        options.Roles[0].RoleSessionName = null;
        await using var provider = _fixture.Create(options);

        await provider.GetCredentialsAsync();
        provider.Invalidate();
        await provider.GetCredentialsAsync();

        var names = _fixture.Sts.Calls.Select(c => c.Request.RoleSessionName).Distinct().ToList();
        var name = Assert.Single(names);
        Assert.InRange(name.Length, 2, 64);
        Assert.All(name, c => Assert.True(RoleSessionNames.IsAllowed(c), $"'{c}' is not allowed in a session name"));
    }

    [Theory]
    [InlineData("My App (prod)", "abcd1234", "My-App--prod-abcd1234")]
    [InlineData("", "abcd1234", "credentialkit-abcd1234")]
    [InlineData("ünïcode", "abcd1234", "n-code-abcd1234")]
    public void RoleSessionNames_Build_ProducesAValidName(string application, string suffix, string expected)
    {
        Assert.Equal(expected, RoleSessionNames.Build(application, suffix));
    }

    [Fact]
    public void RoleSessionNames_Build_LongApplicationName_IsTruncatedTo64()
    {
        var name = RoleSessionNames.Build(new string('a', 200), "abcd1234");

        Assert.Equal(64, name.Length);
        Assert.EndsWith("-abcd1234", name);
    }

    [Fact]
    public void Create_ChangingOptionsAfterwards_DoesNotChangeTheChain()
    {
        var options = ProviderFixture.Profile();
        using var provider = _fixture.Create(options);

        options.Roles[0].RoleArn = ProviderFixture.ReportsArn;

        Assert.Equal(ProviderFixture.HubArn, provider.GetStatus().RoleArn);
    }
}
