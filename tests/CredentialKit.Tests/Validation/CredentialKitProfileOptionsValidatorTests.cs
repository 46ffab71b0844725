using System.Collections.Immutable;
using CredentialKit;
using Microsoft.Extensions.Options;
using static CredentialKit.Tests.Validation.ValidationTestData;

namespace CredentialKit.Tests.Validation;

public class CredentialKitProfileOptionsValidatorTests
{
    [Fact]
    public void Validate_ValidProfileThroughIValidateOptions_ReturnsSuccess()
    {
        IValidateOptions<CredentialKitProfileOptions> validator = new CredentialKitProfileOptionsValidator();

        var result = validator.Validate("billing", CreateValid(RoleArn, SecondRoleArn));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_NamedInvalidProfile_FailsWithProfilePrefixOnEveryMessage()
    {
        IValidateOptions<CredentialKitProfileOptions> validator = new CredentialKitProfileOptionsValidator();
        var options = CreateValid();
        options.Roles[0].RoleSessionName = "a";
        options.Refresh.JitterFraction = 1.5;

        var result = validator.Validate("billing", options);

        Assert.True(result.Failed);
        Assert.Equal(
            [
                $"Profile 'billing': Roles:0:RoleSessionName ({RoleArn}) is 1 character long; allowed: 2–64 characters of A–Z a–z 0–9 _ + = , . @ -.",
                "Profile 'billing': Refresh:JitterFraction is 1.5; allowed: 0 to 1 (share of the refresh-ahead window).",
            ],
            result.Failures);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_UnnamedProfile_HasNoPrefix(string? name)
    {
        var options = CreateValid();
        options.Refresh.MaxRetryAttempts = 11;

        var failure = Assert.Single(Failures(options, name));

        Assert.StartsWith("Refresh:MaxRetryAttempts is 11;", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NullOptions_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new CredentialKitProfileOptionsValidator().Validate("x", null!));
    }

    [Fact]
    public void Validate_NoRoles_Fails()
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = "AKIAIOSFODNN7EXAMPLE";
        options.Source.SecretAccessKey = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY00";
        var failure = Assert.Single(Failures(options));

        Assert.Equal("Roles has no role; allowed: one or more roles, assumed in order, each with a RoleArn.", failure);
    }

    [Fact]
    public void Validate_NullRoleEntry_FailsWithoutExceptionAndChecksTheOthers()
    {
        var options = CreateValid();
        options.Roles.Add(null!);
        options.Roles.Add(new AssumeRoleOptions { RoleArn = SecondRoleArn, RoleSessionName = "x" });

        var failures = Failures(options);

        Assert.Equal(2, failures.Count);
        Assert.StartsWith("Roles:1 is null; allowed: an AssumeRoleOptions instance", failures[0], StringComparison.Ordinal);
        Assert.StartsWith($"Roles:2:RoleSessionName ({SecondRoleArn}) is 1 character long", failures[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EverySectionBroken_ReportsEveryFailureNotOnlyTheFirst()
    {
        var options = CreateValid();
        options.Source.Type = SourceCredentialsType.Static;
        options.Roles[0].Duration = TimeSpan.FromDays(1);
        options.Sts.Region = "nowhere";
        options.Refresh.AttemptTimeout = TimeSpan.Zero;

        var failures = Failures(options);

        Assert.Equal(5, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Source:AccessKeyId ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Source:SecretAccessKey ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Roles:0:Duration ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Sts:Region ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Refresh:AttemptTimeout ", StringComparison.Ordinal));
        Assert.All(failures, f => Assert.Matches(@"^\S+( \([^)]+\))? .+; allowed: .+\.$", f));
    }

    [Fact]
    public void ThrowIfInvalid_InvalidProfile_ThrowsListingEveryFailureWithName()
    {
        var options = CreateValid();
        options.Roles[0].ExternalId = "x";
        options.Refresh.MaxRetryAttempts = -1;

        var exception = Assert.Throws<OptionsValidationException>(() => CredentialKitProfileOptionsValidator.ThrowIfInvalid(options, "billing"));

        Assert.Equal("billing", exception.OptionsName);
        Assert.Equal(typeof(CredentialKitProfileOptions), exception.OptionsType);
        Assert.Equal(2, exception.Failures.Count());
        Assert.All(exception.Failures, f => Assert.StartsWith("Profile 'billing': ", f, StringComparison.Ordinal));
    }

    [Fact]
    public void ThrowIfInvalid_ValidProfile_DoesNotThrow()
    {
        CredentialKitProfileOptionsValidator.ThrowIfInvalid(CreateValid(), profileName: null);
    }

    [Fact]
    public void Validate_SecretsEverywhere_NeverAppearInAnyMessage()
    {
        var options = CreateValid(RoleArn, SecondRoleArn);
        options.Source.SecretAccessKey = Secret; // ignored under Type Default: an error that must not echo it
        options.Source.SessionToken = SessionToken;
        options.Roles[0].ExternalId = ExternalId + " !";
        options.Roles[1].ExternalId = Repeat('e', 1300) + ExternalId;
        options.Roles[1].MfaSerialNumber = "bad";
        options.Roles[1].MfaTokenCodeProvider = _ => ValueTask.FromResult(MfaCode);

        var exception = Assert.Throws<OptionsValidationException>(() => CredentialKitProfileOptionsValidator.ThrowIfInvalid(options, "p"));

        Assert.True(exception.Failures.Count() >= 5);
        foreach (var text in exception.Failures.Append(exception.Message))
        {
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(SessionToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ExternalId, text, StringComparison.Ordinal);
            Assert.DoesNotContain(MfaCode, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_LaterHopSetsKeyAnEarlierHopMadeTransitive_FailsIgnoringCase()
    {
        var options = CreateValid(RoleArn, SecondRoleArn);
        options.Roles[0].Tags["Project"] = "apollo";
        options.Roles[0].TransitiveTagKeys.Add("Project");
        options.Roles[1].Tags["project"] = "gemini";

        var failure = Assert.Single(Failures(options));

        Assert.Equal(
            $"Roles:1:Tags:project ({SecondRoleArn}) sets a key which Roles:0 ({RoleArn}) made transitive, which STS rejects (InvalidParameterValue); " +
            "allowed: tag keys that no earlier hop made transitive, compared ignoring case (the inherited tag already carries its value).",
            failure);
    }

    [Fact]
    public void Validate_TransitiveKeyConflictTwoHopsLater_StillFails()
    {
        // Transitive tags stay transitive for every later hop, not only the next one.
        var options = CreateValid(RoleArn, SecondRoleArn, ThirdRoleArn);
        options.Roles[0].Tags["Project"] = "apollo";
        options.Roles[0].TransitiveTagKeys.Add("Project");
        options.Roles[2].Tags["PROJECT"] = "gemini";

        var failure = Assert.Single(Failures(options));

        Assert.StartsWith($"Roles:2:Tags:PROJECT ({ThirdRoleArn}) sets a key which Roles:0 ({RoleArn}) made transitive", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LaterHopRepeatsNonTransitiveOrOtherKey_Succeeds()
    {
        var options = CreateValid(RoleArn, SecondRoleArn);
        options.Roles[0].Tags["Project"] = "apollo";
        options.Roles[0].Tags["Team"] = "blue";
        options.Roles[0].TransitiveTagKeys.Add("Project");
        options.Roles[1].Tags["Team"] = "red"; // Team was not transitive: setting it again is fine
        options.Roles[1].Tags["CostCenter"] = "42";

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Validate_SameHopSetsItsOwnTransitiveKey_IsNotAConflict()
    {
        var options = CreateValid();
        options.Roles[0].Tags["Project"] = "apollo";
        options.Roles[0].TransitiveTagKeys.Add("Project");

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void ThrowIfInvalidForRole_TagConflictsWithChainTransitiveKey_ThrowsNamingBothRoles()
    {
        var role = new AssumeRoleOptions { RoleArn = ThirdRoleArn };
        role.Tags["project"] = "gemini";
        role.Tags["Team"] = "blue";

        var exception = Assert.Throws<OptionsValidationException>(
            () => CredentialKitProfileOptionsValidator.ThrowIfInvalid(role, CreateChain("billing", "Project"), SecondRoleArn));

        Assert.Equal("billing", exception.OptionsName);
        Assert.Equal(typeof(AssumeRoleOptions), exception.OptionsType);
        Assert.Equal(
            $"Profile 'billing': ForRole:Tags:project ({ThirdRoleArn}) sets a key which the calling session ({SecondRoleArn}) carries as a transitive tag, " +
            "which STS rejects (InvalidParameterValue); allowed: tag keys that no earlier hop made transitive, compared ignoring case (the inherited tag already carries its value).",
            Assert.Single(exception.Failures));
    }

    [Fact]
    public void ThrowIfInvalidForRole_ValidChainedRoleAboveOneHour_DoesNotThrow()
    {
        var role = new AssumeRoleOptions { RoleArn = ThirdRoleArn, Duration = TimeSpan.FromHours(4) };
        role.Tags["Team"] = "blue";

        CredentialKitProfileOptionsValidator.ThrowIfInvalid(role, CreateChain(null, "Project"), SecondRoleArn);
    }

    [Fact]
    public void ThrowIfInvalidForRole_BadHop_ReportsEveryLimitWithForRolePath()
    {
        var role = new AssumeRoleOptions { RoleArn = "arn:aws:iam::1:role/x", RoleSessionName = "a b", ExternalId = ExternalId + "#" };
        role.PolicyArns.Add(null!);

        var exception = Assert.Throws<OptionsValidationException>(
            () => CredentialKitProfileOptionsValidator.ThrowIfInvalid(role, CreateChain(null), SecondRoleArn));

        Assert.Equal(Options.DefaultName, exception.OptionsName);
        Assert.Equal(4, exception.Failures.Count());
        Assert.All(exception.Failures, f => Assert.StartsWith("ForRole:", f, StringComparison.Ordinal));
        Assert.All(exception.Failures, f => Assert.DoesNotContain(ExternalId, f, StringComparison.Ordinal));
    }

    [Fact]
    public void ThrowIfInvalidForRole_MissingRoleArn_Throws()
    {
        var exception = Assert.Throws<OptionsValidationException>(
            () => CredentialKitProfileOptionsValidator.ThrowIfInvalid(new AssumeRoleOptions(), CreateChain(null), SecondRoleArn));

        Assert.StartsWith("ForRole:RoleArn is missing; allowed: ", Assert.Single(exception.Failures), StringComparison.Ordinal);
    }

    private static ChainContext CreateChain(string? profileName, params string[] transitiveTagKeys) => new(
        profileName,
        new StsOptions(),
        RefreshSettings.From(new RefreshOptions()),
        ImmutableHashSet.Create(StringComparer.OrdinalIgnoreCase, transitiveTagKeys));
}
