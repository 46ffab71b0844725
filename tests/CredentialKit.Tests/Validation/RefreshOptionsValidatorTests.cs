using System.Globalization;
using CredentialKit;
using static CredentialKit.Tests.Validation.ValidationTestData;

namespace CredentialKit.Tests.Validation;

public class RefreshOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.Empty(Failures(CreateValid()));
    }

    [Theory]
    [InlineData(0.0, true)]
    [InlineData(1.0, true)]
    [InlineData(-0.01, false)]
    [InlineData(1.01, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    public void Validate_JitterFraction_Allows0To1(double value, bool valid)
    {
        var failures = CreateSut(r => r.JitterFraction = value);

        AssertValidity(valid, failures, "Refresh:JitterFraction is ", "0 to 1 (share of the refresh-ahead window)");
    }

    [Fact]
    public void Validate_JitterFractionAboveOne_ShowsValueAndRangeInvariantly()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var failure = Assert.Single(CreateSut(r => r.JitterFraction = 1.5));

            Assert.Equal("Refresh:JitterFraction is 1.5; allowed: 0 to 1 (share of the refresh-ahead window).", failure);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Validate_JitterFractionNaN_SaysNaN()
    {
        Assert.StartsWith("Refresh:JitterFraction is NaN; allowed:", Assert.Single(CreateSut(r => r.JitterFraction = double.NaN)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(10, true)]
    [InlineData(-1, false)]
    [InlineData(11, false)]
    public void Validate_MaxRetryAttempts_Allows0To10(int value, bool valid)
    {
        var failures = CreateSut(r => r.MaxRetryAttempts = value);

        AssertValidity(valid, failures, $"Refresh:MaxRetryAttempts is {value}; ", "0 to 10");
    }

    [Theory]
    [InlineData("00:00:00", true)]
    [InlineData("01:00:00", true)]
    [InlineData("-00:00:00.001", false)]
    [InlineData("01:00:00.001", false)]
    public void Validate_MinimumLifetime_Allows0To1Hour(string value, bool valid)
    {
        var failures = CreateSut(r =>
        {
            r.MinimumLifetime = TimeSpan.Parse(value, CultureInfo.InvariantCulture);
            r.RefreshAhead = TimeSpan.FromHours(2);
        });

        AssertValidity(valid, failures, "Refresh:MinimumLifetime is ", "00:00:00 to 01:00:00 (0 to 1 hour)");
    }

    [Fact]
    public void Validate_MinimumLifetimeTooLong_ShowsValueInConfigurationNotation()
    {
        var failure = Assert.Single(CreateSut(r => r.MinimumLifetime = TimeSpan.FromMinutes(90)));

        Assert.Equal("Refresh:MinimumLifetime is 01:30:00; allowed: 00:00:00 to 01:00:00 (0 to 1 hour).", failure);
    }

    [Theory]
    [InlineData("00:01:00.001", true)] // just above the default MinimumLifetime (1 min)
    [InlineData("00:01:00", false)] // equal is not enough
    [InlineData("00:00:30", false)]
    [InlineData("12:00:00", true)]
    [InlineData("12:00:00.001", false)]
    public void Validate_RefreshAhead_MustExceedMinimumLifetimeAndBeAtMost12Hours(string value, bool valid)
    {
        var failures = CreateSut(r => r.RefreshAhead = TimeSpan.Parse(value, CultureInfo.InvariantCulture));

        AssertValidity(valid, failures, "Refresh:RefreshAhead is ", "more than Refresh:MinimumLifetime (00:01:00) and at most 12:00:00 (12 hours)");
    }

    [Theory]
    [InlineData("00:00:00", true)]
    [InlineData("00:01:00", true)]
    [InlineData("-00:00:00.001", false)]
    [InlineData("00:01:00.001", false)]
    public void Validate_RetryBaseDelay_Allows0To1Minute(string value, bool valid)
    {
        var failures = CreateSut(r =>
        {
            r.RetryBaseDelay = TimeSpan.Parse(value, CultureInfo.InvariantCulture);
            r.RetryMaxDelay = TimeSpan.FromMinutes(5);
        });

        AssertValidity(valid, failures, "Refresh:RetryBaseDelay is ", "00:00:00 to 00:01:00 (0 to 1 minute)");
    }

    [Theory]
    [InlineData("00:00:00.5", true)] // equal to the default RetryBaseDelay
    [InlineData("00:00:00.499", false)]
    [InlineData("00:05:00", true)]
    [InlineData("00:05:00.001", false)]
    public void Validate_RetryMaxDelay_AllowsRetryBaseDelayTo5Minutes(string value, bool valid)
    {
        var failures = CreateSut(r => r.RetryMaxDelay = TimeSpan.Parse(value, CultureInfo.InvariantCulture));

        AssertValidity(valid, failures, "Refresh:RetryMaxDelay is ", "at least Refresh:RetryBaseDelay (00:00:00.5) and at most 00:05:00 (5 minutes)");
    }

    [Fact]
    public void Validate_RetryMaxDelayBelowBase_SaysWhy()
    {
        var failure = Assert.Single(CreateSut(r => r.RetryMaxDelay = TimeSpan.FromMilliseconds(100)));

        Assert.Equal(
            "Refresh:RetryMaxDelay is 00:00:00.1, less than Refresh:RetryBaseDelay; allowed: at least Refresh:RetryBaseDelay (00:00:00.5) and at most 00:05:00 (5 minutes).",
            failure);
    }

    [Theory]
    [InlineData("00:00:00.01", true)]
    [InlineData("00:00:00.0099999", false)]
    [InlineData("00:05:00", true)]
    [InlineData("00:05:00.001", false)]
    public void Validate_AttemptTimeout_Allows10MillisecondsTo5Minutes(string value, bool valid)
    {
        var failures = CreateSut(r => r.AttemptTimeout = TimeSpan.Parse(value, CultureInfo.InvariantCulture));

        AssertValidity(valid, failures, "Refresh:AttemptTimeout is ", "00:00:00.01 to 00:05:00 (10 milliseconds to 5 minutes)");
    }

    [Theory]
    [InlineData("00:00:01", true)]
    [InlineData("00:00:00.999", false)]
    [InlineData("01:00:00", true)]
    [InlineData("01:00:00.001", false)]
    public void Validate_FailedRefreshRetryDelay_Allows1SecondTo1Hour(string value, bool valid)
    {
        var failures = CreateSut(r => r.FailedRefreshRetryDelay = TimeSpan.Parse(value, CultureInfo.InvariantCulture));

        AssertValidity(valid, failures, "Refresh:FailedRefreshRetryDelay is ", "00:00:01 to 01:00:00 (1 second to 1 hour)");
    }

    [Theory]
    [InlineData("00:00:00", true)]
    [InlineData("-00:00:00.001", false)]
    [InlineData("00:10:00", true)]
    [InlineData("00:10:00.001", false)]
    public void Validate_ErrorCacheDuration_Allows0To10Minutes(string value, bool valid)
    {
        var failures = CreateSut(r => r.ErrorCacheDuration = TimeSpan.Parse(value, CultureInfo.InvariantCulture));

        AssertValidity(valid, failures, "Refresh:ErrorCacheDuration is ", "00:00:00 to 00:10:00 (0 to 10 minutes");
    }

    [Fact]
    public void Validate_SeveralBadRefreshSettings_ReportsEveryOne()
    {
        var failures = CreateSut(r =>
        {
            r.JitterFraction = 2;
            r.MaxRetryAttempts = 99;
            r.AttemptTimeout = TimeSpan.Zero;
            r.ErrorCacheDuration = TimeSpan.FromHours(1);
        });

        Assert.Equal(4, failures.Count);
    }

    private static IReadOnlyList<string> CreateSut(Action<RefreshOptions> configure)
    {
        var options = CreateValid();
        configure(options.Refresh);
        return Failures(options);
    }

    private static void AssertValidity(bool valid, IReadOnlyList<string> failures, string startsWith, string allowedContains)
    {
        // These tests check each setting's own range; whether it also fits the hop's Duration is tested separately.
        failures = [.. failures.Where(f => !f.Contains("more than half of Roles:", StringComparison.Ordinal))];
        if (valid)
        {
            Assert.Empty(failures);
            return;
        }

        var failure = Assert.Single(failures);
        Assert.StartsWith(startsWith, failure, StringComparison.Ordinal);
        Assert.Contains("; allowed: " + allowedContains, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "00:30:00", true)]       // unset Duration: 1 hour, so up to 30 minutes
    [InlineData(null, "00:30:00.001", false)]
    [InlineData("00:15:00", "01:00:00", false)] // the 1-hour window on a 15-minute session
    [InlineData("00:15:00", "00:07:30", true)]
    [InlineData("12:00:00", "06:00:00", true)]
    public void Validate_RefreshAhead_MustFitHalfOfEachHopsDuration(string? duration, string ahead, bool valid)
    {
        var options = CreateValid();
        options.Roles[0].Duration = duration is null ? null : TimeSpan.Parse(duration, CultureInfo.InvariantCulture);
        options.Refresh.RefreshAhead = TimeSpan.Parse(ahead, CultureInfo.InvariantCulture);

        var failures = Failures(options);

        if (valid)
        {
            Assert.Empty(failures);
            return;
        }

        var failure = Assert.Single(failures);
        Assert.StartsWith($"Refresh:RefreshAhead ({RoleArn}) is ", failure, StringComparison.Ordinal);
        Assert.Contains("more than half of Roles:0:Duration", failure, StringComparison.Ordinal);
        Assert.Contains("; allowed: at most ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MinimumLifetime_MustFitHalfOfTheShortestHop()
    {
        var options = CreateValid(RoleArn, RoleArn.Replace("role/", "role/second", StringComparison.Ordinal));
        options.Roles[1].Duration = TimeSpan.FromMinutes(15);
        options.Refresh.MinimumLifetime = TimeSpan.FromMinutes(10);
        options.Refresh.RefreshAhead = TimeSpan.FromMinutes(12);

        var failures = Failures(options);

        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Refresh:MinimumLifetime (", StringComparison.Ordinal)
            && f.Contains("is 00:10:00, more than half of Roles:1:Duration (00:15:00); allowed: at most 00:07:30", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Refresh:RefreshAhead (", StringComparison.Ordinal) && f.Contains("Roles:1:Duration", StringComparison.Ordinal));
    }

    [Theory] // issue #17.7: the chained hop gets one hour whatever it asks for; the check uses that hour
    [InlineData("RefreshAhead", "00:45:00")]
    [InlineData("MinimumLifetime", "00:40:00")]
    public void Validate_ChainedHop_IsCheckedAgainstTheOneHourItWillGet(string setting, string value)
    {
        var options = CreateValid(RoleArn, RoleArn.Replace("role/", "role/second", StringComparison.Ordinal));
        options.Roles[0].Duration = TimeSpan.FromHours(2);
        options.Roles[1].Duration = TimeSpan.FromHours(2);
        if (setting == "RefreshAhead")
        {
            options.Refresh.RefreshAhead = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            options.Refresh.MinimumLifetime = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        var failure = Assert.Single(Failures(options));

        Assert.StartsWith($"Refresh:{setting} (", failure, StringComparison.Ordinal);
        Assert.Contains($"is {value}, more than half of Roles:1:Duration (02:00:00, which role chaining cuts to 01:00:00); allowed: at most 00:30:00", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WebIdentitySource_MakesTheFirstRoleAChainedHop()
    {
        var options = CreateValid(RoleArn);
        options.Source.Type = SourceCredentialsType.WebIdentity;
        options.Source.RoleArn = "arn:aws:iam::111122223333:role/web";
        options.Source.TokenFile = "/var/run/secrets/token";
        options.Roles[0].Duration = TimeSpan.FromHours(2);
        options.Refresh.RefreshAhead = TimeSpan.FromMinutes(45);

        Assert.Contains(Failures(options), f => f.Contains("more than half of Roles:0:Duration (02:00:00, which role chaining cuts to 01:00:00)", StringComparison.Ordinal));
    }
}
