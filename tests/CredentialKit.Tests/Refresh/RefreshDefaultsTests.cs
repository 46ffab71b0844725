namespace CredentialKit.Tests.Refresh;

public class RefreshDefaultsTests
{
    [Theory]
    [InlineData(60, 15 * 60)]          // 1 hour → 15 minutes
    [InlineData(12 * 60, 60 * 60)]     // 12 hours → capped at 60 minutes
    [InlineData(15, 225)]              // 15 minutes → 3 min 45 s
    [InlineData(2, 60)]                // 2 minutes → floor of 1 minute
    [InlineData(4 * 60, 60 * 60)]      // 4 hours → exactly 60 minutes
    public void DefaultRefreshAhead_Lifetime_Is25PercentClampedToOneToSixtyMinutes(int lifetimeMinutes, int expectedSeconds)
    {
        var ahead = RefreshDefaults.DefaultRefreshAhead(TimeSpan.FromMinutes(lifetimeMinutes));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), ahead);
    }

    [Fact]
    public void RefreshOptions_New_HasDocumentedDefaults()
    {
        var options = new RefreshOptions();

        Assert.Null(options.RefreshAhead);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MinimumLifetime);
        Assert.Equal(0.5, options.JitterFraction);
        Assert.Equal(3, options.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RetryMaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.FailedRefreshRetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ErrorCacheDuration);
        Assert.True(options.BackgroundRefresh);
    }
}
