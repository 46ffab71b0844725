using Amazon.Runtime;
using CredentialKit;
using static CredentialKit.Tests.Validation.ValidationTestData;

namespace CredentialKit.Tests.Validation;

public class SourceCredentialsValidatorTests
{
    private const string AccessKeyId = "AKIAIOSFODNN7EXAMPLE";

    [Fact]
    public void Validate_StaticWithKeyAndSecret_Succeeds()
    {
        var options = CreateSut(SourceCredentialsType.Static, AccessKeyId, Secret);
        options.Source.SessionToken = SessionToken;

        Assert.Empty(Failures(options));
    }

    [Theory]
    [InlineData(16, true)]
    [InlineData(15, false)]
    [InlineData(128, true)]
    [InlineData(129, false)]
    public void Validate_StaticAccessKeyIdLength_FailsOutside16To128(int length, bool valid)
    {
        var failures = Failures(CreateSut(SourceCredentialsType.Static, Repeat('A', length), Secret));

        if (valid)
        {
            Assert.Empty(failures);
        }
        else
        {
            Assert.Equal($"Source:AccessKeyId is {length} characters long; allowed: 16–128 characters of A–Z a–z 0–9 _.", Assert.Single(failures));
        }
    }

    [Theory]
    [InlineData("AKIAIOSFODNN7EXAMPL-", "'-'")]
    [InlineData("AKIAIOSFODNN7EXAMPLÉ", "'É' (U+00C9)")] // .NET \w would accept this letter; STS does not.
    [InlineData("AKIAIOSFODNN7EXAMPL٣", "'٣' (U+0663)")] // .NET \d / \w would accept an Arabic-Indic digit.
    public void Validate_StaticAccessKeyIdOutsideAsciiWordCharacters_Fails(string accessKeyId, string shown)
    {
        var failure = Assert.Single(Failures(CreateSut(SourceCredentialsType.Static, accessKeyId, Secret)));

        Assert.StartsWith($"Source:AccessKeyId contains {shown} which is not allowed; allowed: 16–128", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_StaticWithoutKeyOrSecret_ReportsBoth()
    {
        var failures = Failures(CreateSut(SourceCredentialsType.Static, accessKeyId: null, secret: null));

        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Source:AccessKeyId is missing while Source:Type is Static; allowed: ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Source:SecretAccessKey is missing while Source:Type is Static; allowed: ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_StaticWithBlankSecret_Fails(string secret)
    {
        var failure = Assert.Single(Failures(CreateSut(SourceCredentialsType.Static, AccessKeyId, secret)));

        Assert.StartsWith("Source:SecretAccessKey is ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CredentialsTypeWithoutInstance_Fails()
    {
        var failure = Assert.Single(Failures(CreateSut(SourceCredentialsType.Credentials, null, null)));

        Assert.StartsWith("Source:Credentials is missing while Source:Type is Credentials; allowed: an AWSCredentials instance", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CredentialsTypeWithInstance_Succeeds()
    {
        var options = CreateSut(SourceCredentialsType.Credentials, null, null);
        options.Source.Credentials = new BasicAWSCredentials(AccessKeyId, Secret);

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Validate_DefaultTypeWithStaticSettings_FailsForEachIgnoredSettingWithoutShowingIt()
    {
        var options = CreateSut(SourceCredentialsType.Default, AccessKeyId, Secret);
        options.Source.SessionToken = SessionToken;
        options.Source.Credentials = new BasicAWSCredentials(AccessKeyId, Secret);

        var failures = Failures(options);

        Assert.Equal(4, failures.Count);
        Assert.Contains("Source:AccessKeyId is set but ignored because Source:Type is Default; allowed: only with Source:Type Static, SessionToken or FederationToken (set Type to one of them, or remove the setting).", failures);
        Assert.Contains(failures, f => f.StartsWith("Source:SecretAccessKey is set but ignored", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Source:SessionToken is set but ignored", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Source:Credentials is set but ignored", StringComparison.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain(Secret, f, StringComparison.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain(SessionToken, f, StringComparison.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain(AccessKeyId, f, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DefaultTypeWithEmptyStaticSettings_Succeeds()
    {
        // Configuration binds a present-but-empty key as "": that is not a setting.
        var options = CreateSut(SourceCredentialsType.Default, string.Empty, string.Empty);
        options.Source.SessionToken = string.Empty;

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Validate_CredentialsTypeWithStaticSettings_Fails()
    {
        var options = CreateSut(SourceCredentialsType.Credentials, AccessKeyId, Secret);
        options.Source.Credentials = new BasicAWSCredentials(AccessKeyId, Secret);

        var failures = Failures(options);

        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Contains("ignored because Source:Type is Credentials", f, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_StaticTypeWithInstance_Fails()
    {
        var options = CreateSut(SourceCredentialsType.Static, AccessKeyId, Secret);
        options.Source.Credentials = new BasicAWSCredentials(AccessKeyId, Secret);

        Assert.StartsWith("Source:Credentials is set but ignored because Source:Type is Static", Assert.Single(Failures(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UndefinedType_FailsListingTheDefinedValues()
    {
        var failure = Assert.Single(Failures(CreateSut((SourceCredentialsType)42, null, null)));

        Assert.Equal("Source:Type is 42, which is not a defined value; allowed: Default, Static, Credentials, WebIdentity, SessionToken, Saml, FederationToken, Profile, CredentialProcess, ContainerCredentials, InstanceMetadata, Sso.", failure);
    }

    [Fact]
    public void Validate_BadStaticSource_NeverShowsSecretOrToken()
    {
        var options = CreateSut(SourceCredentialsType.Static, "short key!", Secret);
        options.Source.SessionToken = SessionToken;

        var failures = Failures(options);

        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.DoesNotContain(Secret, f, StringComparison.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain(SessionToken, f, StringComparison.Ordinal));
    }

    private static CredentialKitProfileOptions CreateSut(SourceCredentialsType type, string? accessKeyId, string? secret)
    {
        var options = CreateValid();
        options.Source.Type = type;
        options.Source.AccessKeyId = accessKeyId;
        options.Source.SecretAccessKey = secret;
        return options;
    }
}
