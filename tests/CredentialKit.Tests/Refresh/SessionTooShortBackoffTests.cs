using CredentialKit.Tests.Helpers;

namespace CredentialKit.Tests.Refresh;

/// <summary>
/// Issue #23.4: STS (an emulator, or a misconfiguration) issues sessions shorter than <c>MinimumLifetime</c>. Each is
/// refused as <c>SessionTooShort</c>; repeated, that backs off like any failure that repeats instead of costing
/// 14 STS calls a minute per profile forever.
/// </summary>
public class SessionTooShortBackoffTests
{
    private readonly AdversarialFixture _fixture = new();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SessionsShorterThanMinimum_HeldAndReadConstantly_BackOffToTheOutageCap(bool backgroundRefresh)
    {
        _fixture.Sts.Lifetime = TimeSpan.FromSeconds(5);
        _fixture.RandomValue = 1; // the longest jittered backoff, so the bound below is exact
        var options = AdversarialFixture.Profile();
        options.Refresh.MinimumLifetime = TimeSpan.FromSeconds(10);
        options.Refresh.BackgroundRefresh = backgroundRefresh;
        await using var provider = _fixture.Create(options);

        var errors = 0;
        await _fixture.RunAsync(TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(200), [provider], async () =>
        {
            var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());
            Assert.Equal("SessionTooShort", error.ErrorCode);
            Assert.False(error.IsTransient); // a configuration to fix, not a blip
            errors++;
        });

        // The shared backoff doubles 1, 2, 4, 8 s, then 15 s: about 24 calls in 5 minutes (the old 5 s error cache made 60).
        Assert.True(errors > 1000);
        Assert.InRange(_fixture.Sts.CallCount, 15, 26);
        Assert.Equal("SessionTooShort", provider.GetStatus().LastErrorCode);
    }
}
