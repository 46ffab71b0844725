using System.Net;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.LocalSts.Tests.Helpers;
using CredentialKit.Testing;

namespace CredentialKit.LocalSts.Tests.Signing;

/// <summary>sts-facts §4.1: a request signed more than 15 minutes from STS's clock gets 403 SignatureDoesNotMatch.</summary>
public sealed class ClockSkewTests
{
    private static async Task<(LocalStsServer Server, ManualTimeProvider Time)> StartAsync(
        Action<LocalStsOptions>? configure = null, DateTimeOffset? start = null)
    {
        var time = new ManualTimeProvider(start);
        var options = LocalStsOptions.CreateDemo();
        configure?.Invoke(options);
        return (await LocalStsServer.StartNewAsync(options, time), time);
    }

    private static Task<HttpResponseMessage> SignedAtAsync(LocalStsServer server, DateTimeOffset signedAt) =>
        RawSts.PostAsync(server, RawSts.GetCallerIdentityQuery, LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey, signedAt: signedAt);

    [Fact]
    public async Task GetCallerIdentity_DefaultOptionsSignedSixteenMinutesAgo_ReturnsSignatureExpired()
    {
        var (server, _) = await StartAsync(start: new DateTimeOffset(2022, 1, 27, 1, 59, 28, TimeSpan.Zero));
        await using var __ = server;

        using var response = await SignedAtAsync(server, new DateTimeOffset(2022, 1, 27, 0, 14, 27, TimeSpan.Zero));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", body, StringComparison.Ordinal);
        Assert.Contains("<Message>Signature expired: 20220127T001427Z is now earlier than 20220127T014428Z (20220127T015928Z - 15 min.)</Message>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCallerIdentity_SignedSixteenMinutesAhead_ReturnsSignatureNotYetCurrent()
    {
        var now = new DateTimeOffset(2021, 1, 12, 7, 11, 25, TimeSpan.Zero);
        var (server, _) = await StartAsync(start: now);
        await using var __ = server;

        using var response = await SignedAtAsync(server, now.AddMinutes(16));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(
            "<Message>Signature not yet current: 20210112T072725Z is still later than 20210112T072625Z (20210112T071125Z + 15 min.)</Message>",
            await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-14)]
    [InlineData(14)]
    public async Task GetCallerIdentity_SignedWithinFifteenMinutes_Succeeds(int minutes)
    {
        var (server, time) = await StartAsync();
        await using var _ = server;

        using var response = await SignedAtAsync(server, time.GetUtcNow().AddMinutes(minutes));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GetCallerIdentity_ConfiguredSkew_NamesItInTheMessage()
    {
        var (server, time) = await StartAsync(o => o.MaxRequestSkew = TimeSpan.FromMinutes(5));
        await using var _ = server;

        using var response = await SignedAtAsync(server, time.GetUtcNow().AddMinutes(-6));

        Assert.Contains(" - 5 min.)</Message>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCallerIdentity_SdkOnDefaultOptionsAndFarClock_ThrowsSignatureDoesNotMatch()
    {
        // The manual clock starts at a fixed instant far from the wall clock the SDK signs with.
        var (server, _) = await StartAsync();
        await using var _ = server;
        using var client = Sts.Client(server);

        var ex = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("SignatureDoesNotMatch", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.StartsWith("Signature ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCallerIdentity_SkewCheckOff_AcceptsFarClock()
    {
        var (server, time) = await StartAsync(o => o.MaxRequestSkew = null);
        await using var _ = server;
        time.Advance(TimeSpan.FromDays(400));
        using var client = Sts.Client(server);

        var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(LocalStsDemo.UserArn, identity.Arn);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1200)]
    [InlineData(-1200)]
    public async Task AnyResponse_DateHeader_IsTheServerClockWithItsOffset(int offsetSeconds)
    {
        // Clients measure their skew from Date (CredentialKit plans sessions with it; the SDK corrects its signing
        // clock with it): it must be the clock that issues the sessions and checks signatures, not the machine's.
        var (server, time) = await StartAsync(o => o.MaxRequestSkew = null);
        await using var _ = server;
        server.ClockOffset = TimeSpan.FromSeconds(offsetSeconds);
        var expected = time.GetUtcNow() + server.ClockOffset;

        using var accepted = await SignedAtAsync(server, expected);
        using var refused = await RawSts.PostAsync(server, RawSts.GetCallerIdentityQuery, "AKIANOSUCHKEY0000000", "x", signedAt: expected);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        foreach (var response in new[] { accepted, refused })
        {
            Assert.Equal(expected.AddTicks(-(expected.Ticks % TimeSpan.TicksPerSecond)), response.Headers.Date);
        }
    }

    [Fact]
    public async Task GetCallerIdentity_ClockOffsetMovesTheServerClock_RefusesThenAccepts()
    {
        var (server, time) = await StartAsync();
        await using var _ = server;
        var signedAt = time.GetUtcNow();

        server.ClockOffset = TimeSpan.FromHours(1);
        using var refused = await SignedAtAsync(server, signedAt);
        server.ClockOffset = TimeSpan.Zero;
        using var accepted = await SignedAtAsync(server, signedAt);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public void Constructor_NonPositiveSkew_ThrowsNamingTheSetting()
    {
        var options = LocalStsOptions.CreateDemo();
        options.MaxRequestSkew = TimeSpan.Zero;

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LocalStsServer(options));

        Assert.Equal(nameof(LocalStsOptions.MaxRequestSkew), ex.ParamName);
    }
}
