using CredentialKit;
using static CredentialKit.Tests.Validation.ValidationTestData;

namespace CredentialKit.Tests.Validation;

public class AssumeRoleValidatorTests
{
    private const string SessionNameAllowed = "2–64 characters of A–Z a–z 0–9 _ + = , . @ -";

    [Fact]
    public void Validate_EveryOptionalSettingAtItsLimits_Succeeds()
    {
        var failures = HopFailures(role =>
        {
            role.RoleSessionName = "svc_reports+eu=1,a.b@c-d";
            role.Duration = TimeSpan.FromHours(12);
            role.ExternalId = ExternalId;
            role.Tags["Department"] = "Finance";
            role.Tags["Projekt-Größe"] = "groß 12 _.:/=+-@";
            role.TransitiveTagKeys.Add("department");
            role.PolicyArns.Add("arn:aws:iam::aws:policy/ReadOnlyAccess");
            role.Policy = "{\"Version\":\"2012-10-17\",\r\n\t\"Statement\":[]}";
            role.SourceIdentity = "alice@example.com";
            role.MfaSerialNumber = "arn:aws:iam::111122223333:mfa/alice";
            role.MfaTokenCodeProvider = _ => ValueTask.FromResult(MfaCode);
        });

        Assert.Empty(failures);
    }

    [Fact]
    public void Validate_SessionNameWithSpace_NamesPathArnCharacterAndAllowedSet()
    {
        var options = CreateValid(RoleArn, SecondRoleArn);
        options.Roles[1].RoleSessionName = "quarterly reports";

        var failure = Assert.Single(Failures(options));

        Assert.Equal(
            $"Roles:1:RoleSessionName ({SecondRoleArn}) contains ' ' which is not allowed; allowed: {SessionNameAllowed}.",
            failure);
    }

    [Theory]
    [InlineData("ab", true)]
    [InlineData("a", false)]
    [InlineData(64, true)]
    [InlineData(65, false)]
    [InlineData("abé", false)] // .NET \w would match é; STS's \w is ASCII only.
    [InlineData("a:b", false)]
    [InlineData("a/b", false)]
    [InlineData("", true)] // empty means unset: the provider builds a name
    public void Validate_RoleSessionName_Allows2To64OfTheStsSet(object value, bool valid)
    {
        var name = value is int length ? Repeat('n', length) : (string)value;

        var failures = HopFailures(role => role.RoleSessionName = name);

        AssertValidity(valid, failures, $"Roles:0:RoleSessionName ({RoleArn}) ", SessionNameAllowed);
    }

    [Theory]
    [InlineData("arn:aws:iam::111122223333:role/reports", null)]
    [InlineData("arn:aws-cn:iam::111122223333:role/reports", null)]
    [InlineData("arn:aws-us-gov:iam::111122223333:role/path/to/reports", null)]
    [InlineData("arn:aws-iso-b:iam::111122223333:role/reports", null)]
    [InlineData("arn:aws:sts::111122223333:assumed-role/reports/s", "has service 'sts', not 'iam'")]
    [InlineData("arn:aws:iam::11112222333:role/reports", "has account '11112222333', which is not 12 digits")]
    [InlineData("arn:aws:iam::١١١١٢٢٢٢٣٣٣٣:role/reports", "which is not 12 digits")]
    [InlineData("arn:aws:iam::aws:role/reports", "has account 'aws', which is not 12 digits")]
    [InlineData("arn:aws:iam:us-east-1:111122223333:role/reports", "has region 'us-east-1', but IAM ARNs have none")]
    [InlineData("arn:aws:iam::111122223333:user/reports", "has resource 'user/reports', not role/<path/name>")]
    [InlineData("arn:aws:iam::111122223333:role/", "has resource 'role/', not role/<path/name>")]
    [InlineData("arn:aws:iam::111122223333:role/my reports", "has resource 'role/my reports'")]
    [InlineData("arn:amazon:iam::111122223333:role/reports", "has partition 'amazon', which is not an AWS partition")]
    [InlineData("role/reports-and-more-text", "does not start with 'arn:'")]
    [InlineData("arn:aws:iam::111122223333", "does not have the six ':'-separated parts of an ARN")]
    public void Validate_RoleArnShape_NamesTheWrongPart(string arn, string? problem)
    {
        var failures = HopFailures(role => role.RoleArn = arn);

        if (problem is null)
        {
            Assert.Empty(failures);
        }
        else
        {
            var failure = Assert.Single(failures);
            Assert.StartsWith($"Roles:0:RoleArn ({ValidationFailures.HopName(arn)}) ", failure, StringComparison.Ordinal);
            Assert.Contains(problem, failure, StringComparison.Ordinal);
            Assert.EndsWith("; allowed: arn:<partition>:iam::<12-digit account>:role/<path/name> of 20–2048 characters, for example arn:aws:iam::111122223333:role/reports.", failure, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(2048, true)]
    [InlineData(2049, false)]
    public void Validate_RoleArnLength_AllowsAtMost2048(int length, bool valid)
    {
        const string Prefix = "arn:aws:iam::111122223333:role/";
        var arn = Prefix + Repeat('p', length - Prefix.Length - 2) + "/r";

        var failures = HopFailures(role => role.RoleArn = arn);

        AssertValidity(valid, failures, "Roles:0:RoleArn (", "20–2048 characters");
        if (!valid)
        {
            Assert.Contains("is 2049 characters long", failures[0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_ShortMalformedRoleArn_ReportsLengthAndShape()
    {
        var failures = HopFailures(role => role.RoleArn = "arn:aws:iam::1:r");

        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.Contains("is 16 characters long", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("has account '1'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_MissingRoleArn_FailsWithoutArnInParentheses(string? arn)
    {
        var failure = Assert.Single(HopFailures(role => role.RoleArn = arn));

        Assert.StartsWith("Roles:0:RoleArn is missing; allowed: arn:<partition>:iam::", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(900, true)]
    [InlineData(899, false)]
    [InlineData(43200, true)]
    [InlineData(43201, false)]
    [InlineData(0, false)]
    [InlineData(-900, false)]
    public void Validate_DurationSeconds_Allows900To43200(int seconds, bool valid)
    {
        var failures = HopFailures(role => role.Duration = TimeSpan.FromSeconds(seconds));

        AssertValidity(valid, failures, $"Roles:0:Duration ({RoleArn}) is ", "00:15:00 to 12:00:00 in whole seconds (900–43200 s)");
    }

    [Fact]
    public void Validate_DurationWithFraction_FailsAsNotWholeSeconds()
    {
        var failure = Assert.Single(HopFailures(role => role.Duration = TimeSpan.FromSeconds(900.5)));

        Assert.Equal(
            $"Roles:0:Duration ({RoleArn}) is 00:15:00.5, which is not a whole number of seconds; allowed: 00:15:00 to 12:00:00 in whole seconds (900–43200 s).",
            failure);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(12)]
    public void Validate_ChainedHopAboveOneHour_IsClampedNotRejected(int hours)
    {
        var options = CreateValid(RoleArn, SecondRoleArn);
        options.Roles[1].Duration = TimeSpan.FromHours(hours);

        Assert.Empty(Failures(options));
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(1, false)]
    [InlineData(1224, true)]
    [InlineData(1225, false)]
    public void Validate_ExternalIdLength_Allows2To1224(int length, bool valid)
    {
        var failures = HopFailures(role => role.ExternalId = Repeat('x', length));

        AssertValidity(valid, failures, $"Roles:0:ExternalId ({RoleArn}) is {length} character", "2–1224 characters of A–Z a–z 0–9 _ + = , . @ : / -");
    }

    [Theory]
    [InlineData("urn:example/tenant=42,a.b@c_d+e-f", true)]
    [InlineData("", false)]
    [InlineData("tenant 42", false)]
    [InlineData("tenant#42", false)]
    public void Validate_ExternalIdCharacters_AllowTheStsSet(string externalId, bool valid)
    {
        var failures = HopFailures(role => role.ExternalId = externalId);

        AssertValidity(valid, failures, $"Roles:0:ExternalId ({RoleArn}) ", "2–1224 characters");
    }

    [Fact]
    public void Validate_BadExternalId_StatesPositionButNeverTheValueOrCharacter()
    {
        var failure = Assert.Single(HopFailures(role => role.ExternalId = ExternalId + "#"));

        Assert.Equal(
            $"Roles:0:ExternalId ({RoleArn}) contains a character that is not allowed at position {ExternalId.Length + 1}; allowed: 2–1224 characters of A–Z a–z 0–9 _ + = , . @ : / -.",
            failure);
        Assert.DoesNotContain(ExternalId, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(50, true)]
    [InlineData(51, false)]
    public void Validate_TagCount_AllowsAtMost50(int count, bool valid)
    {
        var failures = HopFailures(role =>
        {
            for (var i = 0; i < count; i++)
            {
                role.Tags[$"k{i}"] = "v";
            }
        });

        AssertValidity(valid, failures, $"Roles:0:Tags ({RoleArn}) has {count} tags", "at most 50 tags");
    }

    [Theory]
    [InlineData(128, true)]
    [InlineData(129, false)]
    public void Validate_TagKeyLength_AllowsAtMost128(int length, bool valid)
    {
        var failures = HopFailures(role => role.Tags[Repeat('k', length)] = "v");

        AssertValidity(valid, failures, $"Roles:0:Tags ({RoleArn}) key '", "1–128 characters of letters, digits, spaces and _ . : / = + - @, not starting with aws:");
    }

    [Theory]
    [InlineData("Cost Center", true)]
    [InlineData("Abteilung.Größe", true)]
    [InlineData("部署", true)]
    [InlineData("\U00020000", true)] // a CJK letter outside the BMP: one character, not two surrogates
    [InlineData("a_.:/=+-@1", true)]
    [InlineData("", false)]
    [InlineData("cost*center", false)]
    [InlineData("smile\U0001F600", false)]
    [InlineData("aws:team", false)]
    [InlineData("AWS:team", false)]
    public void Validate_TagKey_AllowsTheStsSetAndNoAwsPrefix(string key, bool valid)
    {
        var failures = HopFailures(role => role.Tags[key] = "v");

        AssertValidity(valid, failures, $"Roles:0:Tags ({RoleArn}) key '{key}' ", "not starting with aws:");
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void Validate_TagValueLength_Allows0To256(int length, bool valid)
    {
        var failures = HopFailures(role => role.Tags["Team"] = Repeat('v', length));

        AssertValidity(valid, failures, $"Roles:0:Tags:Team ({RoleArn}) value is {length} characters long", "0–256 characters of letters, digits, spaces and _ . : / = + - @");
    }

    [Theory]
    [InlineData("a\nb", "U+000A")]
    [InlineData("50%", "'%'")]
    public void Validate_TagValueCharacter_NamesTheCharacter(string value, string shown)
    {
        var failure = Assert.Single(HopFailures(role => role.Tags["Team"] = value));

        Assert.StartsWith($"Roles:0:Tags:Team ({RoleArn}) value contains {shown} which is not allowed; allowed: ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NullTagValue_FailsWithoutException()
    {
        var failure = Assert.Single(HopFailures(role => role.Tags["Team"] = null!));

        Assert.StartsWith($"Roles:0:Tags:Team ({RoleArn}) value is null; allowed: 0–256 characters", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_KeysDifferingOnlyInCase_CannotCoexist()
    {
        // STS treats Dept and dept as one key; the options dictionary guarantees it, so the validator never sees both.
        var role = new AssumeRoleOptions { RoleArn = RoleArn };
        role.Tags["Dept"] = "a";
        role.Tags["dept"] = "b";

        Assert.Single(role.Tags);
        Assert.Throws<ArgumentException>(() => role.Tags.Add("DEPT", "c"));
        Assert.Empty(HopFailures(r => r.Tags["Dept"] = "a"));
    }

    [Fact]
    public void Validate_TransitiveKeyMatchingTagIgnoringCase_Succeeds()
    {
        var failures = HopFailures(role =>
        {
            role.Tags["Department"] = "Finance";
            role.TransitiveTagKeys.Add("DEPARTMENT");
        });

        Assert.Empty(failures);
    }

    [Fact]
    public void Validate_TransitiveKeyNotInTags_Fails()
    {
        var failure = Assert.Single(HopFailures(role =>
        {
            role.Tags["Department"] = "Finance";
            role.TransitiveTagKeys.Add("Team");
        }));

        Assert.Equal(
            $"Roles:0:TransitiveTagKeys:0 ({RoleArn}) is 'Team', which is not a key of Tags; allowed: keys of this hop's Tags, each once, compared ignoring case.",
            failure);
    }

    [Fact]
    public void Validate_DuplicateTransitiveKeyIgnoringCase_Fails()
    {
        var failure = Assert.Single(HopFailures(role =>
        {
            role.Tags["Department"] = "Finance";
            role.TransitiveTagKeys.Add("Department");
            role.TransitiveTagKeys.Add("department");
        }));

        Assert.StartsWith($"Roles:0:TransitiveTagKeys:1 ({RoleArn}) is 'department', which TransitiveTagKeys:0 already lists", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NullTransitiveKey_FailsWithoutException()
    {
        var failure = Assert.Single(HopFailures(role => role.TransitiveTagKeys.Add(null!)));

        Assert.StartsWith($"Roles:0:TransitiveTagKeys:0 ({RoleArn}) is null; allowed: ", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(50, true)]
    [InlineData(51, false)]
    public void Validate_TransitiveKeyCount_AllowsAtMost50(int count, bool valid)
    {
        var failures = HopFailures(role =>
        {
            for (var i = 0; i < count; i++)
            {
                role.Tags[$"k{i}"] = "v";
                role.TransitiveTagKeys.Add($"k{i}");
            }
        });

        // 51 tags also break the tag limit; the transitive-key failure must be reported as well.
        Assert.Equal(valid, !failures.Any(f => f.Contains("TransitiveTagKeys", StringComparison.Ordinal)));
        if (!valid)
        {
            Assert.Contains($"Roles:0:TransitiveTagKeys ({RoleArn}) has 51 keys; allowed: at most 50 keys.", failures);
        }
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(11, false)]
    public void Validate_PolicyArnCount_AllowsAtMost10(int count, bool valid)
    {
        var failures = HopFailures(role =>
        {
            for (var i = 0; i < count; i++)
            {
                role.PolicyArns.Add($"arn:aws:iam::111122223333:policy/p{i}");
            }
        });

        AssertValidity(valid, failures, $"Roles:0:PolicyArns ({RoleArn}) has {count} ARNs", "at most 10 managed policy ARNs");
    }

    [Theory]
    [InlineData("arn:aws:iam::aws:policy/ReadOnlyAccess", true)]
    [InlineData("arn:aws:iam::111122223333:policy/team/reports-read", true)]
    [InlineData("arn:aws-cn:iam::aws:policy/ReadOnlyAccess", true)]
    [InlineData("ReadOnlyAccess-policy-name", false)]
    [InlineData("arn:aws:s3:::reports-bucket/key", false)]
    [InlineData("arn:aws:iam::111122223333:role/reports", false)]
    [InlineData("arn:aws:iam::12345:policy/reports", false)]
    public void Validate_PolicyArn_MustBeAnIamPolicyArn(string arn, bool valid)
    {
        var failures = HopFailures(role => role.PolicyArns.Add(arn));

        AssertValidity(valid, failures, $"Roles:0:PolicyArns:0 ({RoleArn}) is '{arn}', which ", "arn:<partition>:iam::<12-digit account or aws>:policy/<path/name>");
    }

    [Fact]
    public void Validate_NullPolicyArn_FailsWithoutException()
    {
        var failures = HopFailures(role =>
        {
            role.PolicyArns.Add("arn:aws:iam::aws:policy/ReadOnlyAccess");
            role.PolicyArns.Add(null!);
        });

        Assert.StartsWith($"Roles:0:PolicyArns:1 ({RoleArn}) is null; allowed: ", Assert.Single(failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(0, false)]
    [InlineData(2048, true)]
    [InlineData(2049, false)]
    public void Validate_PolicyLength_Allows1To2048(int length, bool valid)
    {
        var failures = HopFailures(role => role.Policy = Repeat(' ', length));

        AssertValidity(valid, failures, $"Roles:0:Policy ({RoleArn}) is ", "1–2048 characters of tab, line feed, carriage return and U+0020–U+00FF");
    }

    [Theory]
    [InlineData("{\"Sid\":\"ÿé\"}\t\r\n", true)]
    [InlineData("{\"Sid\":\"\u201Cx\u201D\"}", false)] // curly quotes pasted from a document
    [InlineData("{\"Sid\":\"\u0001\"}", false)]
    public void Validate_PolicyCharacters_AllowTabNewlinesAndLatin1(string policy, bool valid)
    {
        var failures = HopFailures(role => role.Policy = policy);

        AssertValidity(valid, failures, $"Roles:0:Policy ({RoleArn}) contains a character that is not allowed at position 9", "U+0020–U+00FF");
    }

    [Fact]
    public void Validate_BadPolicy_NeverShowsThePolicyText()
    {
        const string Policy = "{\"Statement\":[{\"Sid\":\"TopSecretProjectX\u2019\"}]}";

        var failure = Assert.Single(HopFailures(role => role.Policy = Policy));

        Assert.DoesNotContain("TopSecretProjectX", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PolicyPlusPolicyArnsOver2048_Fails()
    {
        const string Arn = "arn:aws:iam::aws:policy/ReadOnlyAccess";

        var failures = HopFailures(role =>
        {
            role.Policy = Repeat(' ', 2048 - Arn.Length + 1);
            role.PolicyArns.Add(Arn);
        });

        Assert.Equal(
            $"Roles:0:Policy ({RoleArn}) is {2048 - Arn.Length + 1} characters long, 2049 together with PolicyArns; allowed: at most 2048 characters for Policy and PolicyArns together.",
            Assert.Single(failures));
        Assert.Empty(HopFailures(role =>
        {
            role.Policy = Repeat(' ', 2048 - Arn.Length);
            role.PolicyArns.Add(Arn);
        }));
    }

    [Theory]
    [InlineData("ab", true)]
    [InlineData("a", false)]
    [InlineData(64, true)]
    [InlineData(65, false)]
    [InlineData("alice smith", false)]
    [InlineData("aws:alice", false)]
    [InlineData("AWS:alice", false)]
    [InlineData("awsalice", true)]
    public void Validate_SourceIdentity_Allows2To64AndNoAwsPrefix(object value, bool valid)
    {
        var identity = value is int length ? Repeat('s', length) : (string)value;

        var failures = HopFailures(role => role.SourceIdentity = identity);

        AssertValidity(valid, failures, $"Roles:0:SourceIdentity ({RoleArn}) ", SessionNameAllowed + ", not starting with aws:");
    }

    [Fact]
    public void Validate_SourceIdentityWithAwsPrefix_SaysSoOnce()
    {
        var failure = Assert.Single(HopFailures(role => role.SourceIdentity = "aws:alice"));

        Assert.Contains("is 'aws:alice', which starts with the reserved prefix 'aws:'", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(9, true)]
    [InlineData(8, false)]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void Validate_MfaSerialNumberLength_Allows9To256(int length, bool valid)
    {
        var failures = HopFailures(role =>
        {
            role.MfaSerialNumber = Repeat('m', length);
            role.MfaTokenCodeProvider = _ => ValueTask.FromResult(MfaCode);
        });

        AssertValidity(valid, failures, $"Roles:0:MfaSerialNumber ({RoleArn}) is {length} characters long", "9–256 characters of A–Z a–z 0–9 _ + = / : , . @ -");
    }

    [Theory]
    [InlineData("GAHT12345678", true)]
    [InlineData("arn:aws:iam::111122223333:mfa/alice", true)]
    [InlineData("arn:aws:iam::111122223333:mfa/alice smith", false)]
    public void Validate_MfaSerialNumberCharacters_AllowTheStsSet(string serial, bool valid)
    {
        var failures = HopFailures(role =>
        {
            role.MfaSerialNumber = serial;
            role.MfaTokenCodeProvider = _ => ValueTask.FromResult(MfaCode);
        });

        AssertValidity(valid, failures, $"Roles:0:MfaSerialNumber ({RoleArn}) contains ' '", "9–256 characters");
    }

    [Fact]
    public void Validate_MfaSerialWithoutProvider_Fails()
    {
        var failure = Assert.Single(HopFailures(role => role.MfaSerialNumber = "arn:aws:iam::111122223333:mfa/alice"));

        Assert.StartsWith($"Roles:0:MfaTokenCodeProvider ({RoleArn}) is missing while MfaSerialNumber is set; allowed: ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MfaProviderWithoutSerial_Fails()
    {
        var failure = Assert.Single(HopFailures(role => role.MfaTokenCodeProvider = _ => ValueTask.FromResult(MfaCode)));

        Assert.StartsWith($"Roles:0:MfaSerialNumber ({RoleArn}) is missing while MfaTokenCodeProvider is set; allowed: ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MfaProvider_IsNeverInvoked()
    {
        var calls = 0;

        var failures = HopFailures(role =>
        {
            role.MfaSerialNumber = "short";
            role.MfaTokenCodeProvider = _ =>
            {
                calls++;
                return ValueTask.FromResult(MfaCode);
            };
        });

        Assert.Single(failures);
        Assert.Equal(0, calls);
        Assert.DoesNotContain(MfaCode, failures[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ManyProblemsInOneHop_ReportsEveryOne()
    {
        var failures = HopFailures(role =>
        {
            role.RoleSessionName = "x";
            role.Duration = TimeSpan.FromMinutes(1);
            role.ExternalId = "e";
            role.SourceIdentity = "aws:me";
            role.TransitiveTagKeys.Add("Nope");
        });

        Assert.Equal(5, failures.Count);
        Assert.All(failures, f => Assert.Contains($"({RoleArn})", f, StringComparison.Ordinal));
    }

    /// <summary>Asserts no failure when <paramref name="valid"/>; else one failure with the given start and allowed text.</summary>
    private static void AssertValidity(bool valid, IReadOnlyList<string> failures, string startsWith, string allowedContains)
    {
        if (valid)
        {
            Assert.Empty(failures);
            return;
        }

        var failure = Assert.Single(failures);
        Assert.StartsWith(startsWith, failure, StringComparison.Ordinal);
        var allowed = failure[(failure.IndexOf("; allowed: ", StringComparison.Ordinal) + "; allowed: ".Length)..];
        Assert.Contains(allowedContains, allowed, StringComparison.Ordinal);
        Assert.EndsWith(".", failure, StringComparison.Ordinal);
    }
}
