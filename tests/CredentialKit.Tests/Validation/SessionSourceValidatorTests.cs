using static CredentialKit.Tests.Validation.ValidationTestData;

namespace CredentialKit.Tests.Validation;

/// <summary>Validation of the session-producing sources: required settings, STS ranges, and settings their type ignores.</summary>
public class SessionSourceValidatorTests
{
    private const string SamlProviderArn = "arn:aws:iam::111122223333:saml-provider/idp";

    private static CredentialKitProfileOptions CreateSut(SourceCredentialsType type, Dictionary<string, string>? environment = null)
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = type;
        options.Source.EnvironmentVariables = name => environment?.GetValueOrDefault(name);
        return options;
    }

    private static CredentialKitProfileOptions WebIdentity()
    {
        var options = CreateSut(SourceCredentialsType.WebIdentity);
        options.Source.RoleArn = RoleArn;
        options.Source.TokenFile = Path.Combine(Path.GetTempPath(), "token");
        return options;
    }

    [Fact]
    public void WebIdentity_WithRoleAndTokenFileAndNoRoles_Succeeds() => Assert.Empty(Failures(WebIdentity()));

    [Fact]
    public void WebIdentity_NothingSetAndNoEnvironment_NamesBothSettingsAndVariables()
    {
        var failures = Failures(CreateSut(SourceCredentialsType.WebIdentity));

        Assert.Equal(2, failures.Count);
        Assert.StartsWith("Source:RoleArn is missing and AWS_ROLE_ARN is not set; allowed: arn:<partition>:iam::", failures[0], StringComparison.Ordinal);
        Assert.Equal(
            "Source:TokenFile is missing, Source:WebIdentityTokenProvider is not set and AWS_WEB_IDENTITY_TOKEN_FILE is not set; allowed: the absolute path of the OIDC token file, or Source:WebIdentityTokenProvider set in code (one of the two).",
            failures[1]);
    }

    [Fact]
    public void WebIdentity_BadEnvironmentValues_NameTheVariable()
    {
        var failures = Failures(CreateSut(SourceCredentialsType.WebIdentity, new()
        {
            ["AWS_ROLE_ARN"] = "arn:aws:sts::111122223333:role/web",
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = "relative/token",
            ["AWS_ROLE_SESSION_NAME"] = "has space",
        }));

        Assert.Contains(failures, f => f.StartsWith("AWS_ROLE_ARN has service 'sts', not 'iam'; allowed: ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AWS_WEB_IDENTITY_TOKEN_FILE is 'relative/token', which is not an absolute path; allowed: ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AWS_ROLE_SESSION_NAME contains ' ' which is not allowed; allowed: 2–64 characters", StringComparison.Ordinal));
    }

    [Fact]
    public void WebIdentity_TokenFileAndCallback_IsRejected()
    {
        var options = WebIdentity();
        options.Source.WebIdentityTokenProvider = _ => ValueTask.FromResult("token");

        Assert.StartsWith("Source:TokenFile is set together with Source:WebIdentityTokenProvider; allowed: ", Assert.Single(Failures(options)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(899, false)]
    [InlineData(900, true)]
    [InlineData(43200, true)]
    [InlineData(43201, false)]
    public void WebIdentity_Duration_Is900To43200Seconds(int seconds, bool valid)
    {
        var options = WebIdentity();
        options.Source.Duration = TimeSpan.FromSeconds(seconds);

        var failures = Failures(options);

        Assert.Equal(valid, failures.Count == 0);
        if (!valid)
        {
            Assert.StartsWith("Source:Duration is ", failures[0], StringComparison.Ordinal);
            Assert.Contains("allowed: 00:15:00 to 12:00:00 in whole seconds (900–43200 s)", failures[0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WebIdentity_PolicyOver2048_FailsWithoutShowingIt()
    {
        var options = WebIdentity();
        options.Source.Policy = new string('x', 2049);

        var failure = Assert.Single(Failures(options));

        Assert.StartsWith("Source:Policy is 2049 characters long; allowed: 1–2048 characters", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("xxxx", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(899, false)]
    [InlineData(129600, true)]
    [InlineData(129601, false)]
    public void SessionToken_Duration_Is900To129600Seconds(int seconds, bool valid)
    {
        var options = CreateSut(SourceCredentialsType.SessionToken);
        options.Source.Duration = TimeSpan.FromSeconds(seconds);

        var failures = Failures(options);

        Assert.Equal(valid, failures.Count == 0);
        if (!valid)
        {
            Assert.Contains("allowed: 00:15:00 to 1.12:00:00 in whole seconds (900–129600 s).", Assert.Single(failures), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SessionToken_MfaSerialWithoutCallback_AndTwoCredentialSources_AreReported()
    {
        var options = CreateSut(SourceCredentialsType.SessionToken);
        options.Source.MfaSerialNumber = "arn:aws:iam::111122223333:mfa/me";
        options.Source.AccessKeyId = "AKIAIOSFODNN7EXAMPLE";
        options.Source.SecretAccessKey = Secret;
        options.Source.ProfileName = "dev";

        var failures = Failures(options);

        Assert.Contains("Source:MfaTokenCodeProvider is missing while MfaSerialNumber is set; allowed: a callback that returns the device's current six-digit code, set together with MfaSerialNumber.", failures);
        Assert.Contains(failures, f => f.StartsWith("Source:ProfileName is set together with Source:AccessKeyId; allowed: one source of long-term credentials", StringComparison.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain(Secret, f, StringComparison.Ordinal));
    }

    [Fact]
    public void Saml_MissingEverything_ReportsRolePrincipalAndCallback()
    {
        var failures = Failures(CreateSut(SourceCredentialsType.Saml));

        Assert.Equal(3, failures.Count);
        Assert.StartsWith("Source:RoleArn is missing while Source:Type is Saml", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("Source:PrincipalArn is missing while Source:Type is Saml", failures[1], StringComparison.Ordinal);
        Assert.StartsWith("Source:SamlAssertionProvider is missing while Source:Type is Saml", failures[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Saml_PrincipalThatIsNotASamlProvider_IsRejected()
    {
        var options = CreateSut(SourceCredentialsType.Saml);
        options.Source.RoleArn = RoleArn;
        options.Source.PrincipalArn = RoleArn;
        options.Source.SamlAssertionProvider = _ => ValueTask.FromResult("PHNhbWw+");

        Assert.StartsWith($"Source:PrincipalArn is '{RoleArn}', which is not a SAML provider ARN; allowed: ", Assert.Single(Failures(options)), StringComparison.Ordinal);

        options.Source.PrincipalArn = SamlProviderArn;
        Assert.Empty(Failures(options));
    }

    [Theory]
    [InlineData("b", "is 1 character long")]
    [InlineData("a-name-that-is-longer-than-32-chars", "is 35 characters long")]
    [InlineData("bob smith", "contains ' ' which is not allowed")]
    public void FederationToken_Name_Is2To32WordCharacters(string name, string problem)
    {
        var options = CreateSut(SourceCredentialsType.FederationToken);
        options.Source.Name = name;

        Assert.Equal($"Source:Name {problem}; allowed: 2–32 characters of A–Z a–z 0–9 _ + = , . @ -.", Assert.Single(Failures(options)));
    }

    [Fact]
    public void FederationToken_ReservedTagAndRoles_AreRejected()
    {
        var options = CreateValid();
        options.Source.Type = SourceCredentialsType.FederationToken;
        options.Source.EnvironmentVariables = _ => null;
        options.Source.Name = "bob";
        options.Source.Tags["aws:team"] = "x";

        var failures = Failures(options);

        Assert.Contains(failures, f => f.StartsWith("Source:Tags key 'aws:team' starts with the reserved prefix 'aws:'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Roles has 1 role, but Source:Type is FederationToken; allowed: no roles", StringComparison.Ordinal));
    }

    [Fact]
    public void IgnoredSettings_ForTheChosenType_AreEachReported()
    {
        var options = WebIdentity();
        options.Source.Name = "bob";
        options.Source.PrincipalArn = SamlProviderArn;
        options.Source.MfaSerialNumber = "arn:aws:iam::111122223333:mfa/me";

        var failures = Failures(options);

        Assert.Contains("Source:Name is set but ignored because Source:Type is WebIdentity; allowed: only with Source:Type FederationToken (set Type to FederationToken, or remove the setting).", failures);
        Assert.Contains("Source:PrincipalArn is set but ignored because Source:Type is WebIdentity; allowed: only with Source:Type Saml (set Type to Saml, or remove the setting).", failures);
        Assert.Contains(failures, f => f.StartsWith("Source:MfaSerialNumber is set but ignored because Source:Type is WebIdentity", StringComparison.Ordinal));
    }

    [Fact]
    public void SignOnlySource_StillNeedsARole()
    {
        // Default whose chain resolves to environment keys signs only (a chain resolving to a session needs no role).
        var options = CreateSut(SourceCredentialsType.Default);
        options.Source.EnvironmentVariables = name => name switch
        {
            "AWS_ACCESS_KEY_ID" => "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY" => "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY00",
            _ => null,
        };

        Assert.Equal("Roles has no role; allowed: one or more roles, assumed in order, each with a RoleArn.", Assert.Single(Failures(options)));
    }
}
