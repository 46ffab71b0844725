using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Refresh;

/// <summary>
/// Issue #21.4: sessions are planned on STS's clock, read from a <c>Date</c> header with whole-second precision. STS's
/// clock was anywhere in [Date, Date + 1 s) when it answered, so the plan counts the shorter lifetime: a session's usable
/// end never falls after <c>Expiration − MinimumLifetime</c>, however much of a second the header dropped.
/// </summary>
public sealed class DateHeaderPrecisionTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(250)]
    [InlineData(500)]
    [InlineData(999)]
    public async Task UsableEnd_DateTruncatedByUpToOneSecond_NeverFallsAfterExpirationMinusMinimumLifetime(int droppedMilliseconds)
    {
        var fixture = new ProviderFixture();
        fixture.Sts.SendsDateHeader = true; // the stub's Date is its clock truncated to the second, as HTTP sends it
        fixture.Time.Advance(TimeSpan.FromMilliseconds(droppedMilliseconds));
        var options = ProviderFixture.Profile();
        await using var provider = fixture.Create(options);

        var credentials = await provider.GetCredentialsAsync();

        var usableEnd = credentials.Expiration - options.Refresh.MinimumLifetime;
        var planned = ProviderFixture.SessionOf(provider).Snapshot!;
        Assert.True(planned.UsableUntil.Wall <= usableEnd, $"usable until {planned.UsableUntil.Wall:O}, after {usableEnd:O}");
        Assert.True(planned.ExpiresAt.Wall <= credentials.Expiration, $"expires at {planned.ExpiresAt.Wall:O}, after {credentials.Expiration:O}");

        // At that moment nobody is handed the session any more: it is below its minimum lifetime.
        fixture.Time.Advance(usableEnd - fixture.Time.GetUtcNow());
        Assert.Equal(CredentialProviderState.BelowMinimumLifetime, provider.GetStatus().State);
    }
}
