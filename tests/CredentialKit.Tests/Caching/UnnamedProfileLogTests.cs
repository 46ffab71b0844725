using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Caching;

/// <summary>Issue #10: log lines of a provider created without a profile name printed <c>(profile (null))</c>.</summary>
public class UnnamedProfileLogTests
{
    [Fact]
    public async Task ProviderWithoutProfileName_LogsUnnamed_NeverNull()
    {
        var fixture = new ProviderFixture();
        await using var provider = fixture.Create(profileName: null);
        fixture.Sts.EnqueueError("AccessDenied", System.Net.HttpStatusCode.Forbidden);
        await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());
        fixture.Time.Advance(TimeSpan.FromMinutes(1));

        await provider.GetCredentialsAsync();
        provider.Invalidate();
        provider.Invalidate();

        var records = fixture.Logs.Records.Where(r => r.EventId.Id is 1 or 2 or 3 or 8 or 30).ToList();
        Assert.Equal([1, 3, 1, 2, 8, 30], records.Select(r => r.EventId.Id));
        Assert.All(records, r => Assert.Equal("unnamed", r["ProfileName"]));
        Assert.All(records, r => Assert.Contains("(profile unnamed", r.Message));
        Assert.DoesNotContain(fixture.Logs.Records, r => r.Message.Contains("(null)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NamedProvider_LogsItsName()
    {
        var fixture = new ProviderFixture();
        await using var provider = fixture.Create(profileName: "reports");

        await provider.GetCredentialsAsync();

        Assert.Equal("reports", Assert.Single(fixture.Logs.WithEventId(2))["ProfileName"]);
    }
}
