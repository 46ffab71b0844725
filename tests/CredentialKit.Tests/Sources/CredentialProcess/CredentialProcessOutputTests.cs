using System.Text;

namespace CredentialKit.Tests.Sources;

public sealed class CredentialProcessOutputTests
{
    private static SessionCredentials? Parse(string json, out string? problem) =>
        CredentialProcessOutput.TryParse(Encoding.UTF8.GetBytes(json), out problem);

    [Fact]
    public void TryParse_Version1WithExpiration_ReadsEveryField()
    {
        var session = Parse("""{"Version":1,"AccessKeyId":"ASIAX","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-23T13:00:00Z"}""", out var problem);

        Assert.Null(problem);
        Assert.Equal(("ASIAX", "s", "t"), (session!.AccessKeyId, session.SecretAccessKey, session.SessionToken));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero), session.Expiration);
    }

    [Fact]
    public void TryParse_OffsetAndFraction_IsReadAsUtc()
    {
        var session = Parse("""{"Version":1,"AccessKeyId":"AKIAX","SecretAccessKey":"s","Expiration":"2026-11-23T14:00:00.500+01:00"}""", out _);

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 13, 0, 0, 500, TimeSpan.Zero), session!.Expiration);
        Assert.Equal(string.Empty, session.SessionToken);
    }

    [Fact]
    public void TryParse_NoExpiration_IsStatic()
    {
        var session = Parse("""{"Version":1,"AccessKeyId":"AKIAX","SecretAccessKey":"s"}""", out _);

        Assert.Equal(CredentialProcessDefaults.StaticExpiration, session!.Expiration);
    }

    [Theory]
    [InlineData("""not json SECRETVALUE""", "not JSON")]
    [InlineData("""["SECRETVALUE"]""", "array")]
    [InlineData("""{"AccessKeyId":"AKIAX","SecretAccessKey":"SECRETVALUE"}""", "Version")]
    [InlineData("""{"Version":2,"AccessKeyId":"AKIAX","SecretAccessKey":"SECRETVALUE"}""", "Version")]
    [InlineData("""{"Version":"1","AccessKeyId":"AKIAX","SecretAccessKey":"SECRETVALUE"}""", "Version")]
    [InlineData("""{"Version":1,"SecretAccessKey":"SECRETVALUE"}""", "lacks AccessKeyId")]
    [InlineData("""{"Version":1,"AccessKeyId":"AKIAX","SessionToken":"SECRETVALUE"}""", "lacks SecretAccessKey")]
    [InlineData("""{"Version":1,"AccessKeyId":"AKIAX","SecretAccessKey":"SECRETVALUE","Expiration":"tomorrow"}""", "Expiration")]
    public void TryParse_Invalid_SaysWhatIsWrongWithoutQuotingTheOutput(string json, string expected)
    {
        Assert.Null(Parse(json, out var problem));

        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETVALUE", problem, StringComparison.Ordinal);
    }
}
